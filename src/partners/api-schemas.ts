import { z } from 'zod';
import { type ApiSchemas, dateTime } from '../openapi';
import { apiKeyScopes, createKeyBody } from './api-key';
import { createPartnerBody } from './partner';

const partner = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: dateTime,
  createdBy: z
    .string()
    .nullable()
    .meta({ description: 'Id of the admin key that created it; null: the command line.' }),
});

const consentLink = z.object({
  url: z.string().meta({
    description: "Shelly's consent page (`integrator.html?itg=…&cb=…`) to hand to users.",
  }),
  callbackUrl: z
    .string()
    .meta({ description: 'The signed callback URL inside it, naming the partner.' }),
});

const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(apiKeyScopes)),
  partnerId: z
    .string()
    .nullable()
    .meta({ description: 'The partner whose key it is; null for admin keys.' }),
  createdAt: dateTime,
  lastUsedAt: dateTime.nullable().meta({ description: 'Kept to the minute.' }),
  revokedAt: dateTime.nullable(),
  expiresAt: dateTime.nullable().meta({ description: 'When the key stops working; null: never.' }),
  createdBy: z
    .string()
    .nullable()
    .meta({ description: 'Id of the admin key that created it; null: the command line.' }),
  revokedBy: z.string().nullable().meta({
    description: 'Id of the admin key that revoked it; null: the command line, or not revoked.',
  }),
});

const createdApiKey = apiKey.extend({
  key: z
    .string()
    .meta({ description: 'The key itself, `sik_<id>_<secret>`; shown only in this answer.' }),
});

/** The bodies of the partners and API-keys API, for the OpenAPI document. */
export const partnerApiSchemas: ApiSchemas = {
  requests: { CreateApiKey: createKeyBody, CreatePartner: createPartnerBody },
  responses: {
    ApiKey: apiKey,
    CreatedApiKey: createdApiKey,
    ApiKeyList: z.array(apiKey),
    Partner: partner,
    PartnerList: z.array(partner),
    ConsentLink: consentLink,
  },
};
