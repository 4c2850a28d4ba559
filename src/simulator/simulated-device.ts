import { cloudTimestamp, decimalOfHexId, DeviceIdentity } from './device-identity';
import { DeviceModel } from './device-models';
import { createDeviceState, DeviceState, StatePart } from './device-state';
import { Status } from './gen1-status';
import { Random } from './seeded-random';

export interface SimulatedDevice {
  readonly model: DeviceModel;
  readonly identity: DeviceIdentity;
  readonly state: DeviceState;
  /** The cloud host the device's owner lives on; it can change when tenants are rebalanced. */
  host: string;
  online: boolean;
}

export function createSimulatedDevice(options: {
  model: DeviceModel;
  hexId: string;
  host: string;
  rng: Random;
  now: number;
  online?: boolean;
}): SimulatedDevice {
  const { model, hexId } = options;
  const state = createDeviceState(model.layout, options.rng, options.now);
  const channels = Math.max(1, state.relays.length + state.lights.length + state.rollers.length);
  const mac = (hexId.length === 6 ? `e8db84${hexId}` : hexId).toUpperCase();
  return {
    model,
    identity: {
      id: hexId,
      deviceId: decimalOfHexId(hexId),
      mac,
      hostname:
        model.gen === 'G1'
          ? `${model.hostnamePrefix}-${hexId.toUpperCase()}`
          : `${model.hostnamePrefix}-${hexId}`,
      firmware: model.firmware,
      name: `${model.name} ${hexId.slice(-4)}`,
      channelNames: Array.from({ length: channels }, () => null),
    },
    state,
    host: options.host,
    online: options.online ?? true,
  };
}

export function renameChannels(device: SimulatedDevice, names: readonly string[]): void {
  names.forEach((name, index) => {
    if (index < device.identity.channelNames.length) device.identity.channelNames[index] = name;
  });
}

/** The full status as the cloud relays it, with the keys the cloud adds. */
export function cloudStatus(device: SimulatedDevice, now: number): Status {
  const { model, identity, state } = device;
  const status = model.status(identity, state, now);
  if (model.gen === 'G1') {
    return {
      ...status,
      getinfo: { fw_info: { device: identity.hostname, fw: identity.firmware } },
      _updated: cloudTimestamp(now),
    };
  }
  return {
    ...status,
    id: identity.id,
    code: model.code,
    serial: state.system.serial,
    _updated: cloudTimestamp(now),
  };
}

/** Only the status keys that `parts` touch, plus the cloud's `_updated` stamp. */
export function partialCloudStatus(
  device: SimulatedDevice,
  parts: readonly StatePart[],
  now: number,
): Status {
  const full = device.model.status(device.identity, device.state, now);
  const partial: Status = {};
  for (const part of parts) {
    for (const key of device.model.partKeys(part, device.state)) {
      if (key in full) partial[key] = full[key];
    }
  }
  partial._updated = cloudTimestamp(now);
  return partial;
}

/**
 * Settings as sent in `Shelly:Settings` and `DeviceGetSettings`: Gen1 like `/settings`, Gen2+
 * like `Shelly.GetConfig`. Only the parts a consumer is likely to read are filled in.
 */
export function deviceSettings(device: SimulatedDevice): Status {
  const { model, identity, state } = device;
  const nameOf = (index: number) => identity.channelNames[index] ?? null;
  if (model.gen === 'G1') {
    const settings: Status = {
      device: { type: model.code, mac: identity.mac, hostname: identity.hostname },
      name: identity.name,
      fw: identity.firmware,
      cloud: { enabled: true, connected: true },
      timezone: 'UTC',
    };
    if (state.relays.length > 0) {
      settings.relays = state.relays.map((relay, index) => ({
        name: nameOf(index),
        ison: relay.on,
        default_state: 'last',
        auto_on: 0,
        auto_off: 0,
        schedule: false,
      }));
    }
    if (state.rollers.length > 0) {
      settings.mode = 'roller';
      settings.rollers = state.rollers.map((_, index) => ({
        name: nameOf(index),
        maxtime_open: 30,
        maxtime_close: 30,
        default_state: 'stop',
        swap: false,
        positioning: true,
      }));
    }
    if (state.lights.length > 0) {
      settings.mode = state.lights[0].mode;
      settings.lights = state.lights.map((light, index) => ({
        name: nameOf(index),
        ison: light.on,
        default_state: 'last',
        auto_on: 0,
        auto_off: 0,
      }));
    }
    if (state.sensors.temperatureC !== undefined) settings.tmp_units = 'C';
    return settings;
  }
  const config: Status = {
    sys: {
      device: { name: identity.name, mac: identity.mac, fw_id: identity.firmware },
      location: { tz: 'UTC' },
      cfg_rev: state.system.cfgRev,
    },
  };
  for (const key of Object.keys(model.status(identity, state, state.settledAt))) {
    const match = /^([a-z0-9]+):(\d+)$/.exec(key);
    if (!match) continue;
    const id = Number(match[2]);
    const controllable = ['switch', 'cover', 'light'].includes(match[1]);
    config[key] = { id, name: controllable ? nameOf(id) : null };
  }
  return config;
}
