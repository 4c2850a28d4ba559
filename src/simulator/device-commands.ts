import {
  DeviceState,
  LightChannel,
  RelayChannel,
  RollerChannel,
  settleEnergy,
  StatePart,
} from './device-state';
import { round } from './seeded-random';

/**
 * The `Shelly:CommandRequest` commands of the Integrator API, checked and applied to a device's
 * state. A rejection carries the stable reason the simulator sends as `data.res`.
 */
export type CommandRejection = 'UNSUPPORTED_COMMAND' | 'INVALID_CHANNEL' | 'INVALID_PARAMS';

export type CommandOutcome =
  | { ok: true; changed: StatePart[]; timer?: ChannelTimer }
  | { ok: false; reason: CommandRejection; detail: string };

/** A one-shot flip-back the caller must schedule (`timeout` of relay and light). */
export interface ChannelTimer {
  kind: 'relay' | 'light';
  channel: number;
  startedAt: number;
  durationS: number;
}

export interface CommandOptions {
  /** Also accept `go: up|down` (the RTE documentation's wording) for `roller`. */
  acceptRollerUpDown?: boolean;
}

/** Full travel time of a simulated roller, used for `roller` with `duration`. */
const ROLLER_TRAVEL_S = 30;

type Params = Record<string, unknown>;

class Rejected extends Error {
  constructor(
    readonly reason: CommandRejection,
    detail: string,
  ) {
    super(detail);
  }
}

export function applyDeviceCommand(
  state: DeviceState,
  cmd: unknown,
  params: unknown,
  now: number,
  options: CommandOptions = {},
): CommandOutcome {
  try {
    if (
      params !== undefined &&
      (typeof params !== 'object' || params === null || Array.isArray(params))
    ) {
      throw new Rejected('INVALID_PARAMS', 'params must be an object');
    }
    const given = (params ?? {}) as Params;
    switch (cmd) {
      case 'relay':
        return relayCommand(state, given, now);
      case 'light':
        return lightCommand(state, given, now);
      case 'roller':
        return rollerCommand(state, given, now, options);
      case 'roller_to_pos':
        return rollerToPositionCommand(state, given, now);
      default:
        throw new Rejected('UNSUPPORTED_COMMAND', `unknown command ${JSON.stringify(cmd)}`);
    }
  } catch (error) {
    if (error instanceof Rejected)
      return { ok: false, reason: error.reason, detail: error.message };
    throw error;
  }
}

function channel<T>(channels: T[], params: Params, cmd: string): [T, number] {
  if (channels.length === 0) {
    throw new Rejected('UNSUPPORTED_COMMAND', `the device has no channel for ${cmd}`);
  }
  const id = params.id;
  if (id === undefined) throw new Rejected('INVALID_CHANNEL', 'id is required');
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= channels.length) {
    throw new Rejected('INVALID_CHANNEL', `no channel ${JSON.stringify(id)}`);
  }
  return [channels[id], id];
}

function turn(current: boolean, value: unknown): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  if (value === 'toggle') return !current;
  throw new Rejected('INVALID_PARAMS', 'turn must be on, off or toggle');
}

function optionalNumber(params: Params, key: string, min: number, max: number): number | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new Rejected('INVALID_PARAMS', `${key} must be a number from ${min} to ${max}`);
  }
  return value;
}

function timerFor(
  kind: ChannelTimer['kind'],
  index: number,
  params: Params,
  now: number,
): ChannelTimer | undefined {
  const durationS = optionalNumber(params, 'timeout', 0, 86_400);
  return durationS ? { kind, channel: index, startedAt: now, durationS } : undefined;
}

function relayCommand(state: DeviceState, params: Params, now: number): CommandOutcome {
  const [relay, index] = channel(state.relays, params, 'relay');
  const on = turn(relay.on, params.turn);
  const timer = timerFor('relay', index, params, now);
  settleEnergy(state, now);
  relay.on = on;
  relay.source = 'cloud';
  relay.timer = timer && { startedAt: now, durationS: timer.durationS };
  relay.powerW = relayPower(relay);
  return { ok: true, changed: [`relay:${index}`], timer };
}

function lightCommand(state: DeviceState, params: Params, now: number): CommandOutcome {
  const [light, index] = channel(state.lights, params, 'light');
  const on = params.turn === undefined ? undefined : turn(light.on, params.turn);
  const mode = params.mode;
  if (mode !== undefined && mode !== 'color' && mode !== 'white') {
    throw new Rejected('INVALID_PARAMS', 'mode must be color or white');
  }
  const values = {
    red: optionalNumber(params, 'red', 0, 255),
    green: optionalNumber(params, 'green', 0, 255),
    blue: optionalNumber(params, 'blue', 0, 255),
    white: optionalNumber(params, 'white', 0, 255),
    gain: optionalNumber(params, 'gain', 0, 100),
    brightness: optionalNumber(params, 'brightness', 0, 100),
    effect: optionalNumber(params, 'effect', 0, 6),
    transition: optionalNumber(params, 'transition', 0, 5000),
  };
  // Colour temperature is checked for every lamp and kept by those that have one.
  const temp = optionalNumber(params, 'temp', 1000, 10_000);
  const timer = timerFor('light', index, params, now);
  const changes = Object.values(values).filter((value) => value !== undefined);
  if (temp !== undefined && light.colorTempK !== undefined) changes.push(temp);
  if (on === undefined && mode === undefined && changes.length === 0 && !timer) {
    throw new Rejected('INVALID_PARAMS', 'nothing to change: give turn or a light value');
  }
  settleEnergy(state, now);
  if (on !== undefined) light.on = on;
  if (mode !== undefined) light.mode = mode;
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) light[key as keyof typeof values] = Math.round(value);
  }
  if (temp !== undefined && light.colorTempK !== undefined) light.colorTempK = Math.round(temp);
  light.source = 'cloud';
  light.timer = timer && { startedAt: now, durationS: timer.durationS };
  light.powerW = lightPower(light);
  return { ok: true, changed: [`light:${index}`], timer };
}

function rollerCommand(
  state: DeviceState,
  params: Params,
  now: number,
  options: CommandOptions,
): CommandOutcome {
  const [roller, index] = channel(state.rollers, params, 'roller');
  const aliases: Record<string, 'open' | 'close' | 'stop'> = options.acceptRollerUpDown
    ? { open: 'open', close: 'close', stop: 'stop', up: 'open', down: 'close' }
    : { open: 'open', close: 'close', stop: 'stop' };
  const go = typeof params.go === 'string' ? aliases[params.go] : undefined;
  if (!go) {
    const allowed = options.acceptRollerUpDown
      ? 'open, close, stop, up or down'
      : 'open, close or stop';
    throw new Rejected('INVALID_PARAMS', `go must be ${allowed}`);
  }
  const durationS = optionalNumber(params, 'duration', 0, 3600);
  settleEnergy(state, now);
  roller.source = 'cloud';
  roller.motion = go;
  if (go !== 'stop') {
    roller.lastDirection = go;
    const travel = durationS === undefined ? 100 : (durationS * 100) / ROLLER_TRAVEL_S;
    const target = go === 'open' ? roller.pos + travel : roller.pos - travel;
    roller.pos = Math.round(Math.min(100, Math.max(0, target)));
  }
  return { ok: true, changed: [`roller:${index}`] };
}

function rollerToPositionCommand(state: DeviceState, params: Params, now: number): CommandOutcome {
  const [roller, index] = channel(state.rollers, params, 'roller_to_pos');
  if (params.pos !== undefined && params.rel !== undefined) {
    throw new Rejected('INVALID_PARAMS', 'pos and rel are mutually exclusive');
  }
  if (params.slat_pos !== undefined && params.slat_rel !== undefined) {
    throw new Rejected('INVALID_PARAMS', 'slat_pos and slat_rel are mutually exclusive');
  }
  const pos = optionalNumber(params, 'pos', 0, 100);
  const rel = optionalNumber(params, 'rel', -100, 100);
  const slat = [
    optionalNumber(params, 'slat_pos', 0, 100),
    optionalNumber(params, 'slat_rel', -100, 100),
  ];
  if (pos === undefined && rel === undefined && slat.every((value) => value === undefined)) {
    throw new Rejected('INVALID_PARAMS', 'give pos, rel, slat_pos or slat_rel');
  }
  if (pos === undefined && rel === undefined) return { ok: true, changed: [] };
  settleEnergy(state, now);
  const target = Math.round(Math.min(100, Math.max(0, pos ?? roller.pos + (rel ?? 0))));
  moveRoller(roller, target);
  return { ok: true, changed: [`roller:${index}`] };
}

function moveRoller(roller: RollerChannel, target: number): void {
  if (target !== roller.pos) roller.lastDirection = target > roller.pos ? 'open' : 'close';
  roller.pos = target;
  roller.motion = 'stop';
  roller.source = 'cloud';
}

function relayPower(relay: RelayChannel): number {
  return relay.metered && relay.on ? relay.loadW : 0;
}

function lightPower(light: LightChannel): number {
  const level = light.mode === 'white' ? light.brightness : light.gain;
  return light.metered && light.on ? round((light.loadW * level) / 100, 2) : 0;
}

/**
 * A `timeout` ran out: the channel flips back. Does nothing when the timer was replaced or cleared
 * by a later command in the meantime.
 */
export function expireChannelTimer(
  state: DeviceState,
  timer: ChannelTimer,
  now: number,
): StatePart[] {
  const target: RelayChannel | LightChannel | undefined =
    timer.kind === 'relay' ? state.relays[timer.channel] : state.lights[timer.channel];
  if (target?.timer?.startedAt !== timer.startedAt) return [];
  settleEnergy(state, now);
  target.on = !target.on;
  target.timer = undefined;
  target.source = 'timer';
  target.powerW = isLight(target) ? lightPower(target) : relayPower(target);
  return [`${timer.kind}:${timer.channel}`];
}

function isLight(channel: RelayChannel | LightChannel): channel is LightChannel {
  return 'mode' in channel;
}
