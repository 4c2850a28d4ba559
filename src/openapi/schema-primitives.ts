import { z } from 'zod';
import { errorStatus } from '../common';
import type { ApiSchemas } from './api-schemas';

/** Building blocks that the schemas of several modules share. */
export const dateTime = z.string().meta({ format: 'date-time' });
export const consentScope = z.enum(['read', 'control']);
export const deviceId = z.string().meta({
  description:
    'Device id: lowercase hex (12 characters, 6 for old Gen1 devices), or an `X…` id for BLE devices.',
  example: 'cc7b5c0c5d9c',
});

export const errorBody = z
  .object({
    code: z.enum(Object.keys(errorStatus) as [keyof typeof errorStatus]).meta({
      description: 'Stable error code; the HTTP status follows from it.',
    }),
    message: z
      .string()
      .meta({ description: 'Human-readable explanation; not stable, do not parse.' }),
    reason: z
      .string()
      .meta({
        description:
          "`device_refused`, `device_offline` and `rpc_error` when Shelly or the device gave a reason: its words (`data.res`, an `Error` frame's message, the RPC error's message), verbatim.",
      })
      .optional(),
    rpcCode: z
      .number()
      .int()
      .meta({ description: '`rpc_error` only: the code of the device’s RPC error, e.g. -103.' })
      .optional(),
  })
  .meta({ description: 'Every error of this API has this shape.' });

export const errorApiSchemas: ApiSchemas = { requests: {}, responses: { Error: errorBody } };
