import {
  DeviceEvent,
  DeviceOnlineEvent,
  DeviceSettingsEvent,
  DeviceStatusEvent,
  EventEnvelope,
  ShellyApi,
} from './device-event';
import {
  isRejected,
  jsonKind,
  readDevice,
  RejectedFrame,
  rejected,
  StatedDevice,
} from './frame-fields';
import { findFrameProblem } from './frame-limits';
import { JsonObject, isJsonObject } from './readings';
import { DropReason } from './reject-reason';
import { measureStatus } from './status-measurements';

/** Everything about a frame that is not in its text: where it came from, when, and how ids are made. */
export interface FrameContext {
  host: string;
  api: ShellyApi;
  /** The linked account of an RTE socket (`EventSource.account`); absent for Integrator sessions. */
  account?: string;
  receivedAt: Date;
  newEventId: () => string;
  includeRawStatus: boolean;
}

/** A frame that is a JSON object within the limits, with the name of its `event`. */
export interface ParsedFrame {
  kind: 'parsed';
  event: string;
  frame: JsonObject;
}

export interface EventsResult {
  kind: 'events';
  events: DeviceEvent[];
  /** The device id's other reading, when it reads both ways (`StatedDevice.hexReading`). */
  hexReading: string | undefined;
}

export interface DroppedFrame {
  kind: 'dropped';
  reason: DropReason;
  detail: string;
}

export type NormalizeResult = EventsResult | DroppedFrame | RejectedFrame;

/**
 * Reads what every frame shares: JSON text of an object, within the depth and number limits, with
 * an `event` name. The one JSON.parse of a frame on its way through the service.
 */
export function parseFrame(text: string): ParsedFrame | RejectedFrame {
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
  return { kind: 'parsed', event, frame };
}

/**
 * Turns one frame into the device events it carries. Never throws: every input ends as events, a
 * named drop or a rejection with a reason. Answers to the service's own requests are the Shelly
 * module's to read; here they are events like any other that this function does not consume.
 */
export function normalizeParsedFrame(
  parsed: ParsedFrame | RejectedFrame,
  context: FrameContext,
): NormalizeResult {
  if (parsed.kind === 'rejected') return parsed;
  const { event, frame } = parsed;
  switch (event) {
    case 'Shelly:StatusOnChange':
      return statusEvent(frame, context);
    case 'Shelly:Online':
      return onlineEvent(frame, context);
    case 'Shelly:Settings':
      return settingsEvent(frame, context);
    default:
      return {
        kind: 'dropped',
        reason: 'unknown_event',
        detail: `event "${event.slice(0, 64)}" is not consumed`,
      };
  }
}

/** `parseFrame`, then `normalizeParsedFrame`: one frame's text to its device events. */
export function normalizeFrame(text: string, context: FrameContext): NormalizeResult {
  return normalizeParsedFrame(parseFrame(text), context);
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
  return { kind: 'events', events: [event], hexReading: device.hexReading };
}

function onlineEvent(frame: JsonObject, context: FrameContext): NormalizeResult {
  const device = readDevice(frame);
  if (isRejected(device)) return device;
  const flag = frame.online;
  const online = flag === 1 || flag === true ? true : flag === 0 || flag === false ? false : null;
  if (online === null) return rejected('invalid_field', '"online" is not 0, 1 or a boolean');
  const event: DeviceOnlineEvent = withEnvelope('device.online.v1', device, context, { online });
  return { kind: 'events', events: [event], hexReading: device.hexReading };
}

function settingsEvent(frame: JsonObject, context: FrameContext): NormalizeResult {
  const device = readDevice(frame);
  if (isRejected(device)) return device;
  const settings = frame.settings;
  if (!isJsonObject(settings)) return rejected('invalid_field', '"settings" is not an object');
  const event: DeviceSettingsEvent = withEnvelope('device.settings.v1', device, context, {
    settings,
  });
  return { kind: 'events', events: [event], hexReading: device.hexReading };
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
    partner: null,
    source:
      context.account === undefined
        ? { api: context.api, host: context.host }
        : { api: context.api, host: context.host, account: context.account },
    device: { id: device.id, gen: device.gen, model: device.model, owner: null },
  };
  return Object.assign(envelope, body) as Event;
}
