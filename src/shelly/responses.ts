import {
  isJsonObject,
  isRejected,
  type JsonObject,
  type ParsedFrame,
  readDevice,
  readDeviceId,
  rejected,
  type RejectedFrame,
} from '../normalize';

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

/** A Gen2+ RPC method's error: the relay's word (`WRONG_ID`, `UNAUTHORIZED`) or the device's own. */
export type RpcError = string | { code: number; message: string };

/** `Shelly:JrpcResponse` (protocol 2.8): the device's result, or an error; `deviceId` is lowercase hex. */
export interface JrpcResponse {
  kind: 'jrpc-response';
  trid: number | string;
  deviceId: string;
  outcome: { result: unknown } | { error: RpcError };
}

/**
 * `{"event":"Error","message":...}`: Shelly turned a request down without the response it would
 * answer with. Only one that names a request by `trid` can settle it.
 */
export interface ErrorFrame {
  kind: 'error-frame';
  trid?: number | string;
  deviceId?: string;
  message: string;
}

export type ShellyResponse = CommandResponse | JrpcResponse | ErrorFrame | ActionResponse;

/** The answer to one of the service's own requests that a frame is; `undefined` when it is none. */
export function readResponse(parsed: ParsedFrame): ShellyResponse | RejectedFrame | undefined {
  switch (parsed.event) {
    case 'Shelly:CommandResponse':
      return readCommandResponse(parsed.frame);
    case 'Shelly:JrpcResponse':
      return readJrpcResponse(parsed.frame);
    case 'Error':
      return readErrorFrame(parsed.frame);
    case 'Integrator:ActionResponse':
      return readActionResponse(parsed.frame);
    default:
      return undefined;
  }
}

function readCommandResponse(frame: JsonObject): CommandResponse | RejectedFrame {
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

function readJrpcResponse(frame: JsonObject): JrpcResponse | RejectedFrame {
  const trid = readTrid(frame);
  if (isRejected(trid)) return trid;
  const device = readDevice(frame);
  if (isRejected(device)) return device;
  const response = frame.response;
  if (!isJsonObject(response)) return rejected('invalid_field', '"response" is not an object');
  const base = { kind: 'jrpc-response', trid, deviceId: device.id } as const;
  const error = response.error;
  if (error === undefined || error === null) {
    return { ...base, outcome: { result: response.result ?? null } };
  }
  if (typeof error === 'string') return { ...base, outcome: { error } };
  if (isJsonObject(error) && Number.isFinite(error.code)) {
    const message = typeof error.message === 'string' ? error.message : '';
    return { ...base, outcome: { error: { code: error.code as number, message } } };
  }
  return rejected('invalid_field', '"response.error" is neither a string nor {code, message}');
}

function readErrorFrame(frame: JsonObject): ErrorFrame | RejectedFrame {
  const errorFrame: ErrorFrame = {
    kind: 'error-frame',
    message: typeof frame.message === 'string' ? frame.message : '',
  };
  if (typeof frame.trid === 'number' || typeof frame.trid === 'string')
    errorFrame.trid = frame.trid;
  if (frame.deviceId !== undefined && frame.deviceId !== null) {
    const deviceId = readDeviceId(frame.deviceId);
    if (isRejected(deviceId)) return deviceId;
    errorFrame.deviceId = deviceId;
  }
  return errorFrame;
}

/** Unlike commands, actions carry the device inside `data`, and `user` as a string. */
function readActionResponse(frame: JsonObject): ActionResponse | RejectedFrame {
  const trid = readTrid(frame);
  if (isRejected(trid)) return trid;
  const data = frame.data;
  if (!isJsonObject(data)) return rejected('invalid_field', '"data" is not an object');
  if (typeof data.result !== 'string') {
    return rejected('invalid_field', '"data.result" is not a string');
  }
  const response: ActionResponse = { kind: 'action-response', trid, result: data.result };
  if (data.deviceId !== undefined && data.deviceId !== null) {
    const deviceId = readDeviceId(data.deviceId);
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

function readTrid(frame: JsonObject): number | string | RejectedFrame {
  const trid = frame.trid;
  if (typeof trid === 'number' || typeof trid === 'string') return trid;
  return rejected('invalid_field', '"trid" is not a number or string');
}
