import {
  applyDeviceCommand,
  ChannelTimer,
  CommandOptions,
  CommandOutcome,
} from './device-commands';
import { StatePart } from './device-state';
import { deviceSettings, SimulatedDevice } from './simulated-device';

/**
 * A Gen2+ device's own RPC methods, as `Shelly:JrpcRequest` reaches them: the reads of status,
 * config and identity for every component, and the switch, cover and light methods, which change the
 * state as the matching Integrator commands do. Errors carry the device's JSON-RPC codes.
 */
export interface RpcError {
  code: number;
  message: string;
}

export type RpcOutcome =
  | { ok: true; result: unknown; changed: StatePart[]; timer?: ChannelTimer }
  | { ok: false; error: RpcError };

/** JSON-RPC codes of Gen2+ devices (protocol 5.2); 404 is what a device answers an unknown method. */
const INVALID_ARGUMENT = -103;
const NOT_FOUND = -105;
const NO_HANDLER = 404;

type Params = Record<string, unknown>;

const setMethods: Record<
  string,
  (device: SimulatedDevice, params: Params, now: number, options: CommandOptions) => RpcOutcome
> = {
  'Switch.Set': (device, params, now) => {
    const wasOn = device.state.relays[params.id as number]?.on;
    const command = {
      id: params.id,
      turn: params.on === true ? 'on' : params.on === false ? 'off' : undefined,
      timeout: params.toggle_after,
    };
    return fromCommand(applyDeviceCommand(device.state, 'relay', command, now), { was_on: wasOn });
  },
  'Switch.Toggle': (device, params, now) => {
    const wasOn = device.state.relays[params.id as number]?.on;
    return fromCommand(
      applyDeviceCommand(device.state, 'relay', { id: params.id, turn: 'toggle' }, now),
      { was_on: wasOn },
    );
  },
  'Cover.Open': (device, params, now, options) => cover(device, params, now, options, 'open'),
  'Cover.Close': (device, params, now, options) => cover(device, params, now, options, 'close'),
  'Cover.Stop': (device, params, now, options) => cover(device, params, now, options, 'stop'),
  'Cover.GoToPosition': (device, params, now) =>
    fromCommand(
      applyDeviceCommand(
        device.state,
        'roller_to_pos',
        { id: params.id, pos: params.pos, rel: params.rel },
        now,
      ),
      null,
    ),
  'Light.Set': (device, params, now) =>
    fromCommand(
      applyDeviceCommand(
        device.state,
        'light',
        {
          id: params.id,
          turn: params.on === true ? 'on' : params.on === false ? 'off' : undefined,
          brightness: params.brightness,
        },
        now,
      ),
      null,
    ),
  'Light.Toggle': (device, params, now) =>
    fromCommand(
      applyDeviceCommand(device.state, 'light', { id: params.id, turn: 'toggle' }, now),
      null,
    ),
};

const readMethods = [
  'Shelly.GetDeviceInfo',
  'Shelly.GetStatus',
  'Shelly.GetConfig',
  'Shelly.ListMethods',
];

/** Devices match method names regardless of case. */
const setMethodsByName = new Map(
  Object.entries(setMethods).map(([name, apply]) => [name.toLowerCase(), apply]),
);

export function applyDeviceRpc(
  device: SimulatedDevice,
  method: string,
  params: unknown,
  now: number,
  options: CommandOptions = {},
): RpcOutcome {
  if (
    params !== undefined &&
    (typeof params !== 'object' || params === null || Array.isArray(params))
  ) {
    return failure(INVALID_ARGUMENT, 'params must be an object');
  }
  const given = (params ?? {}) as Params;
  const name = method.toLowerCase();
  const set = setMethodsByName.get(name);
  if (set) return set(device, given, now, options);
  const { model, identity, state } = device;
  switch (name) {
    case 'shelly.getdeviceinfo':
      return read({
        name: identity.name,
        id: identity.hostname,
        mac: identity.mac,
        model: model.code,
        gen: model.gen === 'G3' ? 3 : 2,
        fw_id: identity.firmware,
        app: model.hostnamePrefix,
        auth_en: false,
        auth_domain: null,
      });
    case 'shelly.getstatus':
      return read(model.status(identity, state, now));
    case 'shelly.getconfig':
      return read(deviceSettings(device));
    case 'shelly.listmethods':
      return read({ methods: [...readMethods, ...Object.keys(setMethods)] });
  }
  const component = /^([a-z0-9]+)\.(getstatus|getconfig)$/.exec(name);
  if (component && component[1] !== 'shelly') {
    const source =
      component[2] === 'getstatus' ? model.status(identity, state, now) : deviceSettings(device);
    const id = given.id ?? 0;
    if (typeof id !== 'number' || !Number.isInteger(id)) {
      return failure(INVALID_ARGUMENT, 'id must be an integer');
    }
    const key = `${component[1]}:${id}`;
    if (!(key in source)) return failure(NOT_FOUND, `Argument 'id', value ${id} not found!`);
    return read(source[key]);
  }
  return failure(NO_HANDLER, `No handler for ${method}`);
}

function cover(
  device: SimulatedDevice,
  params: Params,
  now: number,
  options: CommandOptions,
  go: string,
): RpcOutcome {
  return fromCommand(
    applyDeviceCommand(
      device.state,
      'roller',
      { id: params.id, go, duration: params.duration },
      now,
      options,
    ),
    null,
  );
}

function fromCommand(outcome: CommandOutcome, result: unknown): RpcOutcome {
  if (outcome.ok) return { ok: true, result, changed: outcome.changed, timer: outcome.timer };
  if (outcome.reason === 'INVALID_CHANNEL') return failure(NOT_FOUND, outcome.detail);
  if (outcome.reason === 'UNSUPPORTED_COMMAND') return failure(NO_HANDLER, outcome.detail);
  return failure(INVALID_ARGUMENT, outcome.detail);
}

function read(result: unknown): RpcOutcome {
  return { ok: true, result, changed: [] };
}

function failure(code: number, message: string): RpcOutcome {
  return { ok: false, error: { code, message } };
}

/** What a read-only consent may call: methods that only read (`Get…`, `List…`). */
export function isReadMethod(method: string): boolean {
  return /^[a-z0-9_]+\.(get|list)/i.test(method);
}
