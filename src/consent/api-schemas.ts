import { z } from 'zod';
import { type ApiSchemas, consentScope, dateTime, deviceId } from '../openapi';
import { callbackBodySchema } from './consent';

const consent = z.object({
  deviceId,
  ownerUserId: z.number().int(),
  deviceType: z.string().nullable(),
  deviceCode: z.string().nullable(),
  scope: consentScope,
  host: z.string(),
  channelNames: z.array(z.string()),
  partnerId: z.string().meta({ description: 'The partner whose consent link the user followed.' }),
  grantedAt: dateTime,
  updatedAt: dateTime,
});

const consentHistoryEntry = z.object({
  change: z.enum(['granted', 'scope_changed', 'updated', 'revoked']),
  partnerId: z.string().meta({ description: 'The partner the change concerns.' }),
  scope: consentScope.nullable(),
  previousScope: consentScope.nullable(),
  ownerUserId: z.number().int(),
  host: z.string(),
  callback: z.unknown().meta({
    description:
      'The callback body as received; null for a change that came without a callback (see `verification`).',
  }),
  verification: z.unknown().meta({
    description:
      'How its SCL-Trust header was verified; for a change without a callback, its `source`: `resync` (with the `DeviceVerify` answer) or `unsubscribe` (with the API key that asked for it).',
  }),
  recordedAt: dateTime,
});

const consentChange = z.object({
  status: z.literal('ok'),
  change: z.enum(['granted', 'scope_changed', 'updated', 'revoked', 'unchanged']),
});

/** The bodies of the consent API and of Shelly's consent callback, for the OpenAPI document. */
export const consentApiSchemas: ApiSchemas = {
  requests: { ConsentCallback: callbackBodySchema },
  responses: {
    Consent: consent,
    ConsentList: z.object({ consents: z.array(consent) }),
    ConsentHistoryEntry: consentHistoryEntry,
    ConsentDetail: z.object({ consent: consent.nullable(), history: z.array(consentHistoryEntry) }),
    ConsentChange: consentChange,
  },
};
