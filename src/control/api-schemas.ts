import { z } from 'zod';
import { components, metricUnits } from '../normalize';
import { type ApiSchemas, consentScope, dateTime, deviceId } from '../openapi';
import {
  deviceCommand,
  lightCommand,
  relayCommand,
  rollerCommand,
  rollerPositionCommand,
} from './device-command';
import { rpcCall } from './rpc-call';

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
  partnerId: z
    .string()
    .meta({ description: 'The partner the user shared it with, through its consent link.' }),
  type: z.string().nullable(),
  code: z.string().nullable(),
  scope: consentScope.meta({ description: '`read`: no commands; `control`: commands allowed.' }),
  host: z.string().meta({ description: 'The Shelly cloud host that serves the device.' }),
  names: z.array(z.string()).meta({ description: 'Channel names, as the owner set them.' }),
  account: z.string().nullable().meta({
    description:
      'The linked account the device is reached through; null for a device shared through consent.',
  }),
  grantedAt: dateTime,
  updatedAt: dateTime,
  online: z.boolean().nullable().meta({
    description:
      'From the ingest stream, the same on every replica; null until the device has reported.',
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
  trid: z.number().int().min(1).nullable().meta({
    description:
      "Transaction id the command was sent with on the socket; null when it went through Shelly's Cloud Control API (a linked account's device while its socket is down).",
  }),
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

const rpcResult = z.object({
  trid: commandResult.shape.trid,
  device: deviceId,
  outcome: z.literal('ok'),
  latencyMs: commandResult.shape.latencyMs,
  result: z.unknown().meta({ description: "The method's result, as the device answered it." }),
});

const commandAudit = z.object({
  type: z.literal('command.audit.v1'),
  id: z.uuid(),
  time: dateTime,
  partner: z
    .string()
    .nullable()
    .meta({ description: 'Partner of the key that sent it; null: an admin key, or no valid key.' }),
  device: z.object({ id: deviceId }),
  apiKeyId: z.string().nullable(),
  command: z.record(z.string(), z.unknown()),
  decision: z.enum(['allowed', 'denied']),
  errorCode: z.string().nullable(),
  consentScope: consentScope.nullable(),
  trid: z.number().int().nullable(),
  outcome: z.enum(['ok', 'denied', 'refused', 'timeout', 'error']),
  latencyMs: z.number().min(0),
});

const commandAuditList = z.object({
  commands: z.array(commandAudit),
  next: z
    .string()
    .nullable()
    .meta({ description: 'Pass as `before` for the next page; null on the last page.' }),
});

const deviceSettings = z.object({
  device: deviceId,
  type: z.string().nullable(),
  code: z.string().nullable(),
  settings: z
    .record(z.string(), z.unknown())
    .meta({ description: "The device's settings as the cloud sent them (`deviceSettings`)." }),
});

const deviceUnsubscribed = z.object({
  device: deviceId,
  ownerUserId: z.number().int().meta({ description: 'The Shelly user who had shared the device.' }),
  revoked: z.literal(true),
  notice: z
    .string()
    .meta({ description: "Reminds the partner that it must tell the device's owner." }),
});

/** The bodies of the devices and commands API, for the OpenAPI document. */
export const controlApiSchemas: ApiSchemas = {
  requests: {
    RelayCommand: relayCommand,
    LightCommand: lightCommand,
    RollerCommand: rollerCommand,
    RollerPositionCommand: rollerPositionCommand,
    DeviceCommand: deviceCommand,
    RpcCall: rpcCall,
  },
  responses: {
    CommandResult: commandResult,
    RpcResult: rpcResult,
    CommandAuditList: commandAuditList,
    Measurement: measurement,
    Device: device,
    DeviceList: deviceList,
    DeviceSettings: deviceSettings,
    DeviceUnsubscribed: deviceUnsubscribed,
  },
};
