import { z } from 'zod';
import { type ApiSchemas, dateTime } from '../openapi';
import { apiKeyScopes, createKeyBody } from './api-key';

const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(apiKeyScopes)),
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

/** The bodies of the API-keys API, for the OpenAPI document. */
export const apiKeyApiSchemas: ApiSchemas = {
  requests: { CreateApiKey: createKeyBody },
  responses: { ApiKey: apiKey, CreatedApiKey: createdApiKey, ApiKeyList: z.array(apiKey) },
};
