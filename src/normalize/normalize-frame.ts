import { toHexDeviceId } from '../shelly/device-id';
import {
  DeviceEvent,
  DeviceOnlineEvent,
  DeviceSettingsEvent,
  DeviceStatusEvent,
  EventEnvelope,
  ShellyApi,
} from './device-event';
import { findFrameProblem } from './frame-limits';
import { JsonObject, isJsonObject } from './readings';
import { DropReason, RejectReason } from './reject-reason';
import { measureStatus } from './status-measurements';

/** Everything about a frame that is not in its text: where it came from, when, and how ids are made. */
export interface FrameContext {
  host: string;
  api: ShellyApi;
  receivedAt: Date;
  newEventId: () => string;
  includeRawStatus: boolean;
}

export interface EventsResult {
  kind: 'events';
  events: DeviceEvent[];
}

/** `Shelly:CommandResponse`, for the command correlator; `deviceId` is lowercase hex. */
export interface CommandResponse {
  kind: 'command-response';
  trid: number | string;
  deviceId: string;
  ok: boolean;
  message?: string;
  user?: number;
}

/** `Integrator:ActionResponse` (DeviceVerify, DeviceGetSettings); fields the cloud left out stay absent. */
export interface ActionResponse {
  kind: 'action-response';
  trid: number | string;
  result: string;
  deviceId?: string;
  host?: string;
  accessGroups?: string;
  deviceType?: string;
  deviceCode?: string;
  deviceStatus?: unknown;
  deviceSettings?: unknown;
  user?: string;
}

export interface DroppedFrame {
  kind: 'dropped';
  reason: DropReason;
  detail: string;
}

export interface RejectedFrame {
  kind: 'rejected';
  reason: RejectReason;
  detail: string;
}

export type NormalizeResult =
  EventsResult | CommandResponse | ActionResponse | DroppedFrame | RejectedFrame;

/** Device ids are MAC addresses: 48 bits. */
const maxDeviceNumber = 2 ** 48 - 1;

/**
 * Turns one WebSocket text frame into what the service does with it. Never throws: every input ends
 * as events, a response for the command correlator, a named drop or a rejection with a reason.
 */
export function normalizeFrame(text: string, context: FrameContext): NormalizeResult {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch (error) {
    return rejected('not_json', `the frame is not JSON: ${(error as Error).message}`);
  }
  if (!isJsonObject(frame)) {
    return rejected('not_an_object', `the frame is ${jsonKind(frame)}, not an object`);
  }
  const problem = findFrameProblem(frame);
  if (problem !== undefined) return { kind: 'rejected', ...problem };

  const event = frame.event;
  if (event === undefined) return rejected('missing_event', 'the frame has no "event"');
  if (typeof event !== 'string') return rejected('invalid_field', '"event" is not a string');
  switch (event) {
    case 'Shelly:StatusOnChange':
      return statusEvent(frame, context);
    case 'Shelly:Online':
      return onlineEvent(frame, context);
    case 'Shelly:Settings':
      return settingsEvent(frame, context);
    case 'Shelly:CommandResponse':
      return commandResponse(frame);
    case 'Integrator:ActionResponse':
      return actionResponse(frame);
    default:
      return {
        kind: 'dropped',
        reason: 'unknown_event',
        detail: `event "${event.slice(0, 64)}" is not consumed`,
      };
  }
}

function statusEvent(frame: JsonObject, context: FrameContext): NormalizeResult {
  const device = readDevice(frame);
  if (isRejected(device)) return device;
  const status = frame.status;
  if (!isJsonObject(status)) return rejected('invalid_field', '"status" is not an object');
  const { format, measurements } = measureStatus(status, device.gen);
  const event: DeviceStatusEvent = withEnvelope('device.status.v1', device, context, {
    format,
    measurements,
  });
  if (context.includeRawStatus) event.status = status;
  return { kind: 'events', events: [event] };
}

function onlineEvent(frame: JsonObject, context: FrameContext): NormalizeResult {
  const device = readDevice(frame);
  if (isRejected(device)) return device;
  const flag = frame.online;
  const online = flag === 1 || flag === true ? true : flag === 0 || flag === false ? false : null;
  if (online === null) return rejected('invalid_field', '"online" is not 0, 1 or a boolean');
  const event: DeviceOnlineEvent = withEnvelope('device.online.v1', device, context, { online });
  return { kind: 'events', events: [event] };
}

function settingsEvent(frame: JsonObject, context: FrameContext): NormalizeResult {
  const device = readDevice(frame);
  if (isRejected(device)) return device;
  const settings = frame.settings;
  if (!isJsonObject(settings)) return rejected('invalid_field', '"settings" is not an object');
  const event: DeviceSettingsEvent = withEnvelope('device.settings.v1', device, context, {
    settings,
  });
  return { kind: 'events', events: [event] };
}

function commandResponse(frame: JsonObject): CommandResponse | RejectedFrame {
  const trid = readTrid(frame);
  if (isRejected(trid)) return trid;
  const device = readDevice(frame);
  if (isRejected(device)) return device;
  const data = frame.data;
  if (!isJsonObject(data)) return rejected('invalid_field', '"data" is not an object');
  if (typeof data.isok !== 'boolean')
    return rejected('invalid_field', '"data.isok" is not a boolean');
  const response: CommandResponse = {
    kind: 'command-response',
    trid,
    deviceId: device.id,
    ok: data.isok,
  };
  if (typeof data.res === 'string') response.message = data.res;
  if (Number.isFinite(frame.user)) response.user = frame.user as number;
  return response;
}

/** Unlike commands, actions carry the device inside `data`, and `user` as a string. */
function actionResponse(frame: JsonObject): ActionResponse | RejectedFrame {
  const trid = readTrid(frame);
  if (isRejected(trid)) return trid;
  const data = frame.data;
  if (!isJsonObject(data)) return rejected('invalid_field', '"data" is not an object');
  if (typeof data.result !== 'string') {
    return rejected('invalid_field', '"data.result" is not a string');
  }
  const response: ActionResponse = { kind: 'action-response', trid, result: data.result };
  if (data.deviceId !== undefined && data.deviceId !== null) {
    const deviceId = hexDeviceId(data.deviceId);
    if (isRejected(deviceId)) return deviceId;
    response.deviceId = deviceId;
  }
  if (typeof data.host === 'string') response.host = data.host;
  if (typeof data.accessGroups === 'string') response.accessGroups = data.accessGroups;
  if (typeof data.deviceType === 'string') response.deviceType = data.deviceType;
  if (typeof data.deviceCode === 'string') response.deviceCode = data.deviceCode;
  if (data.deviceStatus !== undefined) response.deviceStatus = data.deviceStatus;
  if (data.deviceSettings !== undefined) response.deviceSettings = data.deviceSettings;
  const user = frame.user;
  if (typeof user === 'string') response.user = user;
  else if (Number.isFinite(user)) response.user = String(user);
  return response;
}

/**
 * The envelope first, then the type's own fields, in one object. Object.assign onto the envelope
 * literal costs a quarter of what spreading both into a new object does, on the hottest path.
 */
function withEnvelope<Event extends DeviceEvent>(
  type: Event['type'],
  device: StatedDevice,
  context: FrameContext,
  body: Omit<Event, keyof EventEnvelope<string>>,
): Event {
  const envelope: EventEnvelope<Event['type']> = {
    type,
    id: context.newEventId(),
    time: context.receivedAt.toISOString(),
    source: { api: context.api, host: context.host },
    device: { id: device.id, gen: device.gen, model: device.model, owner: null },
  };
  return Object.assign(envelope, body) as Event;
}

interface StatedDevice {
  id: string;
  gen: string | null;
  model: string | null;
}

/**
 * Integrator frames name the device with a flat `deviceId`; RTE frames with `device: {id, code, gen}`.
 * The shape decides, not the channel the frame came on, since RTE command responses use `deviceId`.
 */
function readDevice(frame: JsonObject): StatedDevice | RejectedFrame {
  const device = frame.device;
  let rawId = frame.deviceId;
  let gen: string | null = null;
  let model: string | null = null;
  if (device !== undefined) {
    if (!isJsonObject(device)) return rejected('invalid_field', '"device" is not an object');
    rawId ??= device.id;
    if (typeof device.gen === 'string') gen = device.gen;
    if (typeof device.code === 'string') model = device.code;
  }
  if (rawId === undefined || rawId === null) {
    return rejected('missing_device_id', 'the frame has no "deviceId" or "device.id"');
  }
  const id = hexDeviceId(rawId);
  return isRejected(id) ? id : { id, gen, model };
}

/**
 * A number is read like the same digits sent as a string, so one device keeps one key across the
 * cloud's switch from numeric to string ids.
 */
function hexDeviceId(rawId: unknown): string | RejectedFrame {
  if (typeof rawId === 'number') {
    if (!Number.isInteger(rawId) || rawId < 0) {
      return rejected('invalid_device_id', `device id ${rawId} is not a non-negative integer`);
    }
    if (rawId > maxDeviceNumber) {
      return rejected('number_out_of_range', `device id ${rawId} is beyond 48 bits`);
    }
    rawId = String(rawId);
  }
  if (typeof rawId !== 'string') {
    return rejected('invalid_device_id', `device id is ${jsonKind(rawId)}, not a string`);
  }
  const hex = toHexDeviceId(rawId);
  if (hex !== undefined) return hex;
  const shown = JSON.stringify(rawId.slice(0, 40));
  return isPlainDecimal(rawId)
    ? rejected('number_out_of_range', `device id ${shown} is beyond 48 bits`)
    : rejected('invalid_device_id', `device id ${shown} is not a decimal, hex or X… id`);
}

/** All digits without a leading zero: a decimal id, which toHexDeviceId refuses only when too large. */
function isPlainDecimal(text: string): boolean {
  if (text.length === 0 || text.charCodeAt(0) === 48) return false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

function readTrid(frame: JsonObject): number | string | RejectedFrame {
  const trid = frame.trid;
  if (typeof trid === 'number' || typeof trid === 'string') return trid;
  return rejected('invalid_field', '"trid" is not a number or string');
}

function rejected(reason: RejectReason, detail: string): RejectedFrame {
  return { kind: 'rejected', reason, detail };
}

function isRejected(value: unknown): value is RejectedFrame {
  return (value as RejectedFrame | undefined)?.kind === 'rejected';
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
