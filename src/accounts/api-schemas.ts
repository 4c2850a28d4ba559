import { z } from 'zod';
import { type ApiSchemas, consentScope, dateTime } from '../openapi';
import { partnerId } from '../partners';

export const createLinkBody = z.object({
  scope: consentScope.meta({
    description: 'What the partner may do with the account: `read`, or `control` its devices.',
  }),
  partnerId: partnerId
    .meta({
      description: "Admin keys only: the partner to link for; a partner's key links for its own.",
    })
    .optional(),
});

const accountLink = z.object({
  url: z.string().meta({
    description:
      "Shelly's login page with the client id, the redirect URI and a signed, single-use state; send the user there.",
  }),
  partnerId: z.string(),
  scope: consentScope,
  expiresAt: dateTime.meta({ description: 'The link works once, until then (10 minutes).' }),
});

const linkedAccount = z.object({
  id: z.string().meta({ example: 'acc_3kT9bWq0c1VnX2rL' }),
  partnerId: z.string(),
  shellyUserId: z.number().int().meta({ description: "The Shelly account's `user_id`." }),
  apiHost: z.string().meta({ description: "The account's home server, from `user_api_url`." }),
  scope: consentScope,
  status: z.enum(['active', 'relink_required']).meta({
    description:
      '`relink_required` once Shelly refused to renew the access token: the user has to link again.',
  }),
  tokenExpiresAt: dateTime
    .nullable()
    .meta({ description: 'When the current access token expires; null when there is none.' }),
  linkedAt: dateTime,
  updatedAt: dateTime,
});

/** The bodies of the accounts API, for the OpenAPI document. */
export const accountApiSchemas: ApiSchemas = {
  requests: { CreateAccountLink: createLinkBody },
  responses: {
    AccountLink: accountLink,
    LinkedAccount: linkedAccount,
    LinkedAccountList: z.object({ accounts: z.array(linkedAccount) }),
    AccountLinked: z.object({ status: z.literal('linked'), account: linkedAccount }),
    AccountSnapshot: z.object({
      accountId: z.string(),
      devices: z.number().int().min(0).meta({ description: 'Devices of the account published.' }),
    }),
  },
};
