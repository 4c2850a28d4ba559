import { z } from 'zod';
import { apiKeyScopes, createKeyBody } from '../api-keys/api-key';
import { errorStatus } from '../common/domain-error';
import { callbackBodySchema } from '../consent/consent';
import {
  deviceCommand,
  lightCommand,
  relayCommand,
  rollerCommand,
  rollerPositionCommand,
} from '../control/device-command';
import { components, metricUnits } from '../normalize/measurement';

/**
 * The request and response bodies of the HTTP API, as zod schemas: requests are validated with the
 * same schemas the document shows, and the response schemas are checked against real answers in
 * the tests. Each registered schema becomes a `components.schemas` entry of the OpenAPI document.
 */
const dateTime = z.string().meta({ format: 'date-time' });
const scope = z.enum(['read', 'control']);
const deviceId = z.string().meta({
  description:
    'Device id: lowercase hex (12 characters, 6 for old Gen1 devices), or an `X…` id for BLE devices.',
  example: 'cc7b5c0c5d9c',
});

const errorBody = z
  .object({
    code: z.enum(Object.keys(errorStatus) as [keyof typeof errorStatus]).meta({
      description: 'Stable error code; the HTTP status follows from it.',
    }),
    message: z
      .string()
      .meta({ description: 'Human-readable explanation; not stable, do not parse.' }),
    reason: z
      .string()
      .meta({ description: "`device_refused` only: Shelly's reason (`data.res`), verbatim." })
      .optional(),
  })
  .meta({ description: 'Every error of this API has this shape.' });

const measurement = z.object({
  component: z.enum(components),
  channel: z.number().int().min(0),
  phase: z.enum(['a', 'b', 'c', 'total']).optional(),
  metric: z.enum(Object.keys(metricUnits) as [keyof typeof metricUnits]),
  unit: z
    .enum([
      ...new Set(Object.values(metricUnits).filter((u): u is NonNullable<typeof u> => u !== null)),
    ] as [string, ...string[]])
    .optional(),
  value: z.union([z.number(), z.boolean(), z.string()]),
  time: dateTime.meta({ description: 'When the device last reported this reading.' }),
});

const device = z.object({
  id: deviceId,
  ownerUserId: z.number().int().meta({ description: 'The Shelly user who shared the device.' }),
  type: z.string().nullable(),
  code: z.string().nullable(),
  scope: scope.meta({ description: '`read`: no commands; `control`: commands allowed.' }),
  host: z.string().meta({ description: 'The Shelly cloud host that serves the device.' }),
  names: z.array(z.string()).meta({ description: 'Channel names, as the owner set them.' }),
  grantedAt: dateTime,
  updatedAt: dateTime,
  online: z.boolean().nullable().meta({
    description:
      'From the ingest stream; null until the device has reported since this instance started.',
  }),
  lastSeenAt: dateTime.nullable(),
  measurements: z.array(measurement).meta({
    description:
      'Last known reading of every component, channel and metric; a partial status leaves readings it does not mention as they were.',
  }),
});

const deviceList = z.object({
  devices: z.array(device),
  next: z
    .string()
    .nullable()
    .meta({ description: 'Pass as `after` for the next page; null on the last page.' }),
});

const commandResult = z.object({
  trid: z.number().int().min(1).meta({ description: 'Transaction id the command was sent with.' }),
  device: deviceId,
  outcome: z.literal('ok'),
  latencyMs: z
    .number()
    .min(0)
    .meta({ description: 'From receiving the request to the device’s answer.' }),
  message: z
    .string()
    .optional()
    .meta({ description: "Shelly's remark (`data.res`), when it made one." }),
});

const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(apiKeyScopes)),
  createdAt: dateTime,
  lastUsedAt: dateTime.nullable().meta({ description: 'Kept to the minute.' }),
  revokedAt: dateTime.nullable(),
});

const createdApiKey = apiKey.extend({
  key: z
    .string()
    .meta({ description: 'The key itself, `sik_<id>_<secret>`; shown only in this answer.' }),
});

const consent = z.object({
  deviceId,
  ownerUserId: z.number().int(),
  deviceType: z.string().nullable(),
  deviceCode: z.string().nullable(),
  scope,
  host: z.string(),
  channelNames: z.array(z.string()),
  grantedAt: dateTime,
  updatedAt: dateTime,
});

const consentHistoryEntry = z.object({
  change: z.enum(['granted', 'scope_changed', 'updated', 'revoked']),
  scope: scope.nullable(),
  previousScope: scope.nullable(),
  ownerUserId: z.number().int(),
  host: z.string(),
  callback: z.unknown().meta({ description: 'The callback body as received.' }),
  verification: z.unknown().meta({ description: 'How its SCL-Trust header was verified.' }),
  recordedAt: dateTime,
});

const consentChange = z.object({
  status: z.literal('ok'),
  change: z.enum(['granted', 'scope_changed', 'updated', 'revoked', 'unchanged']),
});

/** What callers send: documented as accepted (`io: input`), so extra keys stay allowed where the API allows them. */
const requestSchemas = {
  RelayCommand: relayCommand,
  LightCommand: lightCommand,
  RollerCommand: rollerCommand,
  RollerPositionCommand: rollerPositionCommand,
  DeviceCommand: deviceCommand,
  CreateApiKey: createKeyBody,
  ConsentCallback: callbackBodySchema,
} satisfies Record<string, z.ZodType>;

/** What the API answers: documented exactly as produced (`io: output`), no other keys. */
const responseSchemas = {
  Error: errorBody,
  CommandResult: commandResult,
  Measurement: measurement,
  Device: device,
  DeviceList: deviceList,
  ApiKey: apiKey,
  CreatedApiKey: createdApiKey,
  ApiKeyList: z.array(apiKey),
  Consent: consent,
  ConsentList: z.object({ consents: z.array(consent) }),
  ConsentHistoryEntry: consentHistoryEntry,
  ConsentDetail: z.object({ consent: consent.nullable(), history: z.array(consentHistoryEntry) }),
  ConsentChange: consentChange,
} satisfies Record<string, z.ZodType>;

export type SchemaName = keyof typeof requestSchemas | keyof typeof responseSchemas;

export function schemaRef(name: SchemaName): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

/** The registered schemas as OpenAPI 3.0 schema objects, referring to each other by `$ref`. */
export function openApiSchemas(): Record<string, Record<string, unknown>> {
  const result = {
    ...toOpenApi(requestSchemas, 'input'),
    ...toOpenApi(responseSchemas, 'output'),
  };
  result.DeviceCommand = {
    ...result.DeviceCommand,
    discriminator: {
      propertyName: 'type',
      mapping: {
        relay: schemaRef('RelayCommand').$ref,
        light: schemaRef('LightCommand').$ref,
        roller: schemaRef('RollerCommand').$ref,
        roller_position: schemaRef('RollerPositionCommand').$ref,
      },
    },
  };
  return result;
}

function toOpenApi(
  schemas: Record<string, z.ZodType>,
  io: 'input' | 'output',
): Record<string, Record<string, unknown>> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    io,
    uri: (id) => `#/components/schemas/${id}`,
  }).schemas;
  const result: Record<string, Record<string, unknown>> = {};
  for (const [id, schema] of Object.entries(generated)) {
    const { $id: _id, ...rest } = schema as Record<string, unknown>;
    result[id] = rest;
  }
  return result;
}
