import { z } from 'zod';
import type { CommandRejection } from './device-commands';
import { Status } from './gen1-status';
import { cloudStatus, deviceSettings, SimulatedDevice } from './simulated-device';

/**
 * The Cloud Control HTTP API's requests and answers (protocol 3.3, 3.4), as pure functions over
 * the simulated devices: v2 bodies read into the Integrator commands they amount to, v2 state
 * selection, and the v1 shapes.
 */
export const v2Errors = {
  DEVICE_FAILED_COMMAND: 400,
  DEVICE_OFFLINE: 400,
  DEVICE_INVALID_MODE: 400,
  DEVICE_INVALID_CHANNEL: 400,
  BAD_REQUEST: 400,
  DEVICE_NOT_FOUND: 404,
} as const;
export type V2Error = keyof typeof v2Errors;

export type V2Reading<T> = { ok: true; value: T } | { ok: false; error: V2Error; message: string };

/** A command that the device refused, in v2's words. */
export function v2ErrorOf(reason: CommandRejection): V2Error {
  switch (reason) {
    case 'INVALID_CHANNEL':
      return 'DEVICE_INVALID_CHANNEL';
    case 'INVALID_PARAMS':
      return 'BAD_REQUEST';
    case 'UNSUPPORTED_COMMAND':
      return 'DEVICE_INVALID_MODE';
  }
}

const MAX_GET_IDS = 10;
const sections = ['status', 'settings'] as const;
type Section = (typeof sections)[number];

const getBody = z.object({
  ids: z.array(z.string()).min(1).max(MAX_GET_IDS),
  select: z.array(z.enum(sections)).optional(),
  pick: z.partialRecord(z.enum(sections), z.array(z.string())).optional(),
});
export type V2GetRequest = z.infer<typeof getBody>;

const hexId = z.string().regex(/^(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{12})$/, 'must be a hex device id');
const channel = z.number().optional();
const seconds = z.number().nonnegative().optional();
const percent = z.number().min(0).max(100).optional();
const signedPercent = z.number().min(-100).max(100).optional();
const byte = z.number().min(0).max(255).optional();

const switchBody = z.object({ id: hexId, channel, on: z.boolean(), toggle_after: seconds });
const coverBody = z
  .object({
    id: hexId,
    channel,
    position: z.union([z.enum(['open', 'close', 'stop']), z.number().min(0).max(100)]).optional(),
    duration: seconds,
    relative: signedPercent,
    slatPosition: percent,
    slatRelative: signedPercent,
  })
  .refine((body) => body.position === undefined || body.relative === undefined, {
    message: 'position and relative are exclusive',
  })
  .refine((body) => body.slatPosition === undefined || body.slatRelative === undefined, {
    message: 'slatPosition and slatRelative are exclusive',
  })
  .refine((body) => body.duration === undefined || typeof body.position === 'string', {
    message: 'duration goes only with open, close or stop',
  });
const lightBody = z.object({
  id: hexId,
  channel,
  on: z.boolean().optional(),
  toggle_after: seconds,
  mode: z.enum(['color', 'white']).optional(),
  temperature: z.number().min(2700).max(7000).optional(),
  brightness: percent,
  red: byte,
  green: byte,
  blue: byte,
  white: byte,
  gain: percent,
  effect: z.number().int().min(0).max(6).optional(),
});

export type V2Control = 'switch' | 'cover' | 'light';

/** What a v2 `set/…` call asks of the device, as the Integrator command doing the same. */
export interface V2Command {
  id: string;
  cmd: 'relay' | 'light' | 'roller' | 'roller_to_pos';
  params: Record<string, unknown>;
}

export function readV2Get(body: unknown): V2Reading<V2GetRequest> {
  return readWith(getBody, body, `ids must hold 1 to ${MAX_GET_IDS} device ids`);
}

export function readV2Command(control: V2Control, body: unknown): V2Reading<V2Command> {
  switch (control) {
    case 'switch': {
      const read = readWith(switchBody, body);
      if (!read.ok) return read;
      const { id, channel: index = 0, on, toggle_after } = read.value;
      return command(id, 'relay', { id: index, turn: on ? 'on' : 'off', timeout: toggle_after });
    }
    case 'cover': {
      const read = readWith(coverBody, body);
      if (!read.ok) return read;
      const { id, channel: index = 0, position, duration } = read.value;
      if (typeof position === 'string') {
        return command(id, 'roller', { id: index, go: position, duration });
      }
      return command(id, 'roller_to_pos', {
        id: index,
        pos: position,
        rel: read.value.relative,
        slat_pos: read.value.slatPosition,
        slat_rel: read.value.slatRelative,
      });
    }
    case 'light': {
      const read = readWith(lightBody, body);
      if (!read.ok) return read;
      const { id, channel: index = 0, on, toggle_after, temperature, ...values } = read.value;
      return command(id, 'light', {
        ...values,
        id: index,
        turn: on === undefined ? undefined : on ? 'on' : 'off',
        timeout: toggle_after,
        temp: temperature,
      });
    }
  }
}

/** One device of a v2 `get` answer: `status` and `settings` only when selected and not empty after `pick`. */
export function v2DeviceState(
  device: SimulatedDevice,
  request: V2GetRequest,
  now: number,
): Record<string, unknown> {
  const state: Record<string, unknown> = {
    id: device.identity.id,
    type: deviceType(device),
    code: device.model.code,
    gen: device.model.gen,
    online: device.online ? 1 : 0,
  };
  const read: Record<Section, () => Status> = {
    status: () => cloudStatus(device, now),
    settings: () => deviceSettings(device),
  };
  for (const section of request.select ?? []) {
    const picked = pick(read[section](), request.pick?.[section]);
    if (Object.keys(picked).length > 0) state[section] = picked;
  }
  return state;
}

/** v1 `all_status`: each device's status plus `_dev_info`, keyed by hex id. */
export function v1AllStatus(devices: readonly SimulatedDevice[], now: number): Status {
  return Object.fromEntries(
    devices.map((device) => [
      device.identity.id,
      {
        ...cloudStatus(device, now),
        _dev_info: {
          id: device.identity.id,
          gen: device.model.gen,
          code: device.model.code,
          online: device.online,
        },
      },
    ]),
  );
}

/** v1 `get_all_lists`: the account's devices keyed by hex id. */
export function v1DeviceList(devices: readonly SimulatedDevice[]): Status {
  return Object.fromEntries(
    devices.map((device) => [
      device.identity.id,
      {
        id: device.identity.id,
        name: device.identity.name,
        type: device.model.code,
        gen: device.model.gen,
        channels_count: device.identity.channelNames.length,
        cloud_online: device.online,
      },
    ]),
  );
}

/** v2's device category, from what the device can be told to do. */
function deviceType(device: SimulatedDevice): string {
  const { rollers, lights, relays } = device.state;
  if (rollers.length > 0) return 'cover';
  if (lights.length > 0) return 'light';
  if (relays.length > 0) return 'relay';
  return 'sensor';
}

function pick(section: Status, keys: readonly string[] | undefined): Status {
  if (keys === undefined) return section;
  return Object.fromEntries(Object.entries(section).filter(([key]) => keys.includes(key)));
}

function command(id: string, cmd: V2Command['cmd'], params: Record<string, unknown>) {
  const defined = Object.entries(params).filter(([, value]) => value !== undefined);
  return { ok: true as const, value: { id, cmd, params: Object.fromEntries(defined) } };
}

function readWith<T>(schema: z.ZodType<T>, body: unknown, message?: string): V2Reading<T> {
  const read = schema.safeParse(body);
  if (read.success) return { ok: true, value: read.data };
  const issue = read.error.issues[0];
  const where = issue.path.join('.');
  return {
    ok: false,
    error: 'BAD_REQUEST',
    message: message && where.startsWith('ids') ? message : `${where || 'body'}: ${issue.message}`,
  };
}
