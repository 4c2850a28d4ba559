import { applyDeviceCommand, ChannelTimer, CommandOptions } from './device-commands';
import { applyDeviceRpc, isReadMethod, RpcError } from './device-rpc';
import { StatePart } from './device-state';
import { CommandAnswer } from './frames';
import { cloudStatus, deviceSettings, SimulatedDevice } from './simulated-device';

/**
 * How the simulated cloud answers what an integrator sends on its socket. Pure decisions over the
 * simulator's devices and consents; `CommandHandler` sends the frames.
 */
export interface Consent {
  integrator: string;
  /** Decimal device id. */
  deviceId: string;
  userId: number;
  /** Hex permission byte: "00" read-only, "01" read + control. */
  accessGroups: string;
  host: string;
  names: string[];
  /** The `cb` of the consent link the user followed; absent: the simulator's callback URL. */
  callbackUrl?: string;
}

export interface Directory {
  device(deviceId: string): SimulatedDevice | undefined;
  consent(integrator: string, deviceId: string): Consent | undefined;
}

export interface Connection {
  integrator: string;
  host: string;
}

/** Who may command a device over one socket, and as which user: a consent, or the owner's right. */
export interface Grant {
  userId: number;
  /** Hex permission byte: "00" read-only, "01" read + control. */
  accessGroups: string;
}

/** What a socket's commands may reach: the devices, and the grant the socket holds on each. */
export interface GrantLookup {
  device(deviceId: string): SimulatedDevice | undefined;
  grant(deviceId: string): Grant | undefined;
}

/** The integrator's consents, as the grants of its sockets. */
export function consentGrants(directory: Directory, integrator: string): GrantLookup {
  return {
    device: (deviceId) => directory.device(deviceId),
    grant: (deviceId) => directory.consent(integrator, deviceId),
  };
}

export type ClientFrame =
  | { kind: 'command'; trid: number | string | undefined; deviceId: unknown; data: unknown }
  | { kind: 'action'; trid: number | string | undefined; data: unknown }
  | {
      kind: 'jrpc';
      trid: number | string | undefined;
      deviceId: unknown;
      method: unknown;
      params: unknown;
    }
  | { kind: 'other' };

/** Stable `data.res` texts of refused commands. */
export const commandRefusals = {
  offline: 'device offline',
  unauthorized: 'UNAUTHORIZED',
  wrongHost: 'WRONG_HOST',
  malformed: 'MALFORMED_REQUEST',
} as const;

export function readClientFrame(text: string): ClientFrame {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'other' };
  }
  if (!isObject(parsed)) return { kind: 'other' };
  const trid =
    typeof parsed.trid === 'number' || typeof parsed.trid === 'string' ? parsed.trid : undefined;
  if (parsed.event === 'Shelly:CommandRequest') {
    return { kind: 'command', trid, deviceId: parsed.deviceId, data: parsed.data };
  }
  if (parsed.event === 'Shelly:JrpcRequest') {
    return {
      kind: 'jrpc',
      trid,
      deviceId: parsed.deviceId,
      method: parsed.method,
      params: parsed.params,
    };
  }
  if (parsed.event === 'Integrator:ActionRequest')
    return { kind: 'action', trid, data: parsed.data };
  return { kind: 'other' };
}

/** Device ids on the socket are decimal strings; numbers were accepted during the transition. */
export function socketDeviceId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value !== 'string') return undefined;
  return /^[1-9]\d*$/.test(value) || /^X\S+$/.test(value) ? value : undefined;
}

export interface CommandDecision {
  deviceId?: string;
  user?: number;
  answer: CommandAnswer;
  /** Why a command was refused, in more words than `answer.res`. */
  detail?: string;
  device?: SimulatedDevice;
  changed: StatePart[];
  timer?: ChannelTimer;
}

/** `host`: the host the socket is connected to. */
export function decideCommand(
  frame: Extract<ClientFrame, { kind: 'command' }>,
  host: string,
  lookup: GrantLookup,
  now: number,
  options: CommandOptions,
): CommandDecision {
  const refuse = (res: string, detail: string, extra: Partial<CommandDecision> = {}) => ({
    answer: { isok: false, res },
    detail,
    changed: [],
    ...extra,
  });
  const deviceId = socketDeviceId(frame.deviceId);
  if (deviceId === undefined) {
    return refuse(commandRefusals.malformed, 'deviceId must be a decimal device id');
  }
  if (!isObject(frame.data)) {
    return refuse(commandRefusals.malformed, 'data must be an object', { deviceId });
  }
  const device = lookup.device(deviceId);
  const grant = lookup.grant(deviceId);
  if (!device || !grant) {
    return refuse(commandRefusals.unauthorized, 'no consent for this device', { deviceId });
  }
  const user = grant.userId;
  if (device.host !== host) {
    return refuse(commandRefusals.wrongHost, `the device lives on ${device.host}`, {
      deviceId,
      user,
    });
  }
  if (!canControl(grant.accessGroups)) {
    return refuse(commandRefusals.unauthorized, 'the consent is read-only', { deviceId, user });
  }
  if (!device.online) {
    return refuse(commandRefusals.offline, 'the device is offline', { deviceId, user });
  }
  const outcome = applyDeviceCommand(device.state, frame.data.cmd, frame.data.params, now, options);
  if (!outcome.ok) return refuse(outcome.reason, outcome.detail, { deviceId, user });
  return {
    deviceId,
    user,
    answer: { isok: true },
    device,
    changed: outcome.changed,
    timer: outcome.timer,
  };
}

/** The `response` of a `Shelly:JrpcResponse`: the device's result, or the relay's or device's error. */
export type JrpcAnswer = { result: unknown } | { error: string | RpcError };

export interface JrpcDecision {
  deviceId?: string;
  answer: JrpcAnswer;
  device?: SimulatedDevice;
  changed: StatePart[];
  timer?: ChannelTimer;
}

/**
 * The relay's checks, then the device's method. The relay answers `WRONG_ID` for a device it will
 * not route to (unknown, not consented, on another host, Gen1), `UNAUTHORIZED` for a method that
 * changes a device shared read-only, and `device offline` as commands do.
 */
export function decideJrpc(
  frame: Extract<ClientFrame, { kind: 'jrpc' }>,
  connection: Connection,
  directory: Directory,
  now: number,
  options: CommandOptions,
): JrpcDecision {
  const refuse = (error: string | RpcError, deviceId?: string): JrpcDecision => ({
    deviceId,
    answer: { error },
    changed: [],
  });
  const deviceId = socketDeviceId(frame.deviceId);
  if (deviceId === undefined) return refuse('WRONG_ID');
  const device = directory.device(deviceId);
  const consent = directory.consent(connection.integrator, deviceId);
  if (!device || !consent || device.host !== connection.host || device.model.gen === 'G1') {
    return refuse('WRONG_ID', deviceId);
  }
  if (typeof frame.method !== 'string') {
    return refuse({ code: -103, message: 'method must be a string' }, deviceId);
  }
  if (!canControl(consent.accessGroups) && !isReadMethod(frame.method)) {
    return refuse('UNAUTHORIZED', deviceId);
  }
  if (!device.online) return refuse(commandRefusals.offline, deviceId);
  const outcome = applyDeviceRpc(device, frame.method, frame.params, now, options);
  if (!outcome.ok) return refuse(outcome.error, deviceId);
  return {
    deviceId,
    answer: { result: outcome.result },
    device,
    changed: outcome.changed,
    timer: outcome.timer,
  };
}

export function canControl(accessGroups: string): boolean {
  return (parseInt(accessGroups, 16) & 1) === 1;
}

export interface ActionDecision {
  user?: string;
  data: Record<string, unknown>;
}

const actions = ['DeviceVerify', 'DeviceGetSettings'];

export function decideAction(
  frame: Extract<ClientFrame, { kind: 'action' }>,
  connection: Connection,
  directory: Directory,
  now: number,
): ActionDecision {
  const data = isObject(frame.data) ? frame.data : {};
  const deviceId = socketDeviceId(data.deviceId);
  if (typeof data.action !== 'string' || !actions.includes(data.action) || !deviceId) {
    return {
      data: {
        result: 'WRONG_API_PARAMETERS',
        ...(typeof data.deviceId === 'string' ? { deviceId: data.deviceId } : {}),
      },
    };
  }
  const device = directory.device(deviceId);
  const consent = directory.consent(connection.integrator, deviceId);
  if (!device || !consent) return { data: { result: 'UNAUTHORIZED', deviceId } };
  const user = String(consent.userId);
  if (device.host !== connection.host) {
    return { user, data: { result: 'WRONG_HOST', deviceId, host: device.host } };
  }
  if (!device.online) return { user, data: { result: 'OK', deviceId } };
  const identity = { deviceType: device.model.code, deviceCode: device.model.code };
  if (data.action === 'DeviceVerify') {
    return {
      user,
      data: {
        result: 'OK',
        deviceId,
        ...identity,
        deviceStatus: cloudStatus(device, now),
        accessGroups: consent.accessGroups,
      },
    };
  }
  return {
    user,
    data: { result: 'OK', deviceId, ...identity, deviceSettings: deviceSettings(device) },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
