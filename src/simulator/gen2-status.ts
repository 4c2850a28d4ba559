import { clockTime, DeviceIdentity, fahrenheit, unixSeconds } from './device-identity';
import { DeviceState, LightChannel, RelayChannel, RollerChannel, Timer } from './device-state';
import { Status } from './gen1-status';
import { round } from './seeded-random';

/** Gen2+ component map shapes (`Shelly.GetStatus`), as the cloud relays them. */

export function gen2Common(identity: DeviceIdentity, state: DeviceState, now: number): Status {
  const system = state.system;
  return {
    ble: {},
    cloud: { connected: true },
    mqtt: { connected: false },
    sys: {
      mac: identity.mac,
      restart_required: false,
      time: clockTime(now),
      unixtime: unixSeconds(now),
      uptime: Math.floor((now - system.bootedAt) / 1000),
      ram_size: 246_872,
      ram_free: system.ramFree,
      fs_size: 458_752,
      fs_free: system.fsFree,
      cfg_rev: system.cfgRev,
      kvs_rev: 0,
      schedule_rev: 0,
      webhook_rev: 0,
      available_updates: {},
      reset_reason: 3,
    },
    wifi: { sta_ip: system.ip, status: 'got ip', ssid: system.ssid, rssi: system.rssi },
    ws: { connected: false },
  };
}

export const gen2SystemKeys = ['sys', 'wifi'];

/** Energy counters: `total` in Wh, `by_minute` in mWh with the most recent minute first. */
function energy(totalWh: number, powerW: number, now: number): Status {
  const perMinute = round((Math.max(0, powerW) * 1000) / 60, 3);
  return {
    total: round(totalWh, 3),
    by_minute: [perMinute, perMinute, perMinute],
    minute_ts: Math.floor(now / 60_000) * 60,
  };
}

function internalTemperature(state: DeviceState): Status {
  const celsius = state.system.deviceTemperatureC;
  return { tC: celsius, tF: fahrenheit(celsius) };
}

function timerFields(timer: Timer | undefined): Status {
  if (!timer) return {};
  return { timer_started_at: timer.startedAt / 1000, timer_duration: timer.durationS };
}

export function gen2Switch(
  id: number,
  relay: RelayChannel,
  state: DeviceState,
  now: number,
): Status {
  const voltage = state.mains.voltageV;
  const pf = relay.powerW > 0 ? 0.97 : 0;
  return {
    id,
    source: relay.source,
    output: relay.on,
    ...timerFields(relay.timer),
    apower: round(relay.powerW, 1),
    voltage,
    freq: state.mains.freqHz,
    current: round(relay.powerW / voltage / (pf || 1), 3),
    pf,
    aenergy: energy(relay.energyWh, relay.powerW, now),
    ret_aenergy: energy(0, 0, now),
    temperature: internalTemperature(state),
  };
}

export function gen2Cover(
  id: number,
  roller: RollerChannel,
  state: DeviceState,
  now: number,
): Status {
  return {
    id,
    source: roller.source,
    state: coverState(roller),
    apower: round(roller.powerW, 1),
    voltage: state.mains.voltageV,
    current: round(roller.powerW / state.mains.voltageV, 3),
    pf: 0,
    freq: state.mains.freqHz,
    aenergy: energy(roller.energyWh, roller.powerW, now),
    temperature: internalTemperature(state),
    pos_control: true,
    last_direction: roller.lastDirection,
    current_pos: roller.pos,
  };
}

function coverState(roller: RollerChannel): string {
  if (roller.pos === 100 && roller.motion !== 'close') return 'open';
  if (roller.pos === 0 && roller.motion !== 'open') return 'closed';
  return 'stopped';
}

export function gen2Light(id: number, light: LightChannel): Status {
  return {
    id,
    source: light.source,
    output: light.on,
    brightness: light.brightness,
    ...timerFields(light.timer),
  };
}

/** The metering of a light of a PM model, driven from a DC supply of `supplyV`. */
function lightMetering(light: LightChannel, state: DeviceState, now: number, supplyV: number) {
  return {
    temperature: internalTemperature(state),
    aenergy: energy(light.energyWh, light.powerW, now),
    apower: round(light.powerW, 1),
    current: round(light.powerW / supplyV, 3),
    voltage: supplyV,
  };
}

/** `rgb:N`: a colour light, dimmed by `brightness`, its colour in `rgb`. */
export function gen2RgbLight(
  id: number,
  light: LightChannel,
  state: DeviceState,
  now: number,
  supplyV: number,
): Status {
  return {
    ...gen2Light(id, light),
    rgb: [light.red, light.green, light.blue],
    ...lightMetering(light, state, now, supplyV),
  };
}

/** `cct:N`: a tunable white light, its colour temperature in `ct` (kelvin). */
export function gen2CctLight(
  id: number,
  light: LightChannel,
  state: DeviceState,
  now: number,
  supplyV: number,
): Status {
  return {
    ...gen2Light(id, light),
    ct: light.colorTempK ?? 4000,
    ...lightMetering(light, state, now, supplyV),
  };
}

/**
 * A Pro device wired to Ethernet with Wi-Fi off: `eth` has the address, and `wifi` says
 * disconnected with `rssi: 0`, as such devices send.
 */
export function gen2EthernetLink(state: DeviceState): Status {
  return {
    eth: { ip: state.system.ip },
    wifi: { sta_ip: null, status: 'disconnected', ssid: null, rssi: 0 },
  };
}

export function gen2Input(id: number, state: DeviceState): Status {
  return { id, state: state.inputs[id].state };
}

/** Every input of the device: `input:0`, `input:1`, ... */
export function gen2Inputs(state: DeviceState): Status {
  return Object.fromEntries(state.inputs.map((_, id) => [`input:${id}`, gen2Input(id, state)]));
}

export function gen2ThreePhaseMeter(state: DeviceState): Status {
  const status: Status = { id: 0 };
  let totalCurrent = 0;
  let totalActive = 0;
  let totalApparent = 0;
  state.phases.forEach((phase, index) => {
    const prefix = ['a', 'b', 'c'][index];
    const apparent = round(Math.abs(phase.powerW) / phase.pf, 1);
    status[`${prefix}_current`] = phase.currentA;
    status[`${prefix}_voltage`] = state.mains.voltageV;
    status[`${prefix}_act_power`] = round(phase.powerW, 1);
    status[`${prefix}_aprt_power`] = apparent;
    status[`${prefix}_pf`] = phase.pf;
    status[`${prefix}_freq`] = state.mains.freqHz;
    totalCurrent += phase.currentA;
    totalActive += phase.powerW;
    totalApparent += apparent;
  });
  return {
    ...status,
    n_current: null,
    total_current: round(totalCurrent, 3),
    total_act_power: round(totalActive, 3),
    total_aprt_power: round(totalApparent, 3),
    user_calibrated_phase: [],
  };
}

export function gen2ThreePhaseEnergy(state: DeviceState): Status {
  const status: Status = { id: 0 };
  let consumed = 0;
  let returned = 0;
  state.phases.forEach((phase, index) => {
    const prefix = ['a', 'b', 'c'][index];
    status[`${prefix}_total_act_energy`] = round(phase.energyWh, 2);
    status[`${prefix}_total_act_ret_energy`] = round(phase.returnedWh, 2);
    consumed += phase.energyWh;
    returned += phase.returnedWh;
  });
  return { ...status, total_act: round(consumed, 2), total_act_ret: round(returned, 2) };
}

export function gen2Environment(state: DeviceState): Status {
  const sensors = state.sensors;
  const celsius = sensors.temperatureC ?? 0;
  const battery = sensors.battery ?? { percent: 0, voltageV: 0 };
  return {
    'temperature:0': { id: 0, tC: celsius, tF: fahrenheit(celsius) },
    'humidity:0': { id: 0, rh: sensors.humidity ?? 0 },
    'devicepower:0': {
      id: 0,
      battery: { V: battery.voltageV, percent: battery.percent },
      external: { present: false },
    },
  };
}

/**
 * A BLU node through a gateway: one `bthomedevice:N` (radio and battery) and one
 * `bthomesensor:N` per reading (temperature, humidity, button), numbered from 200 as dynamic
 * components are.
 */
export function gen2BluComponents(state: DeviceState): Status {
  const status: Status = {};
  state.bluNodes.forEach((node, index) => {
    const seen = node.updatedAt / 1000;
    status[`bthomedevice:${node.componentId}`] = {
      id: node.componentId,
      rssi: node.rssi,
      battery: node.battery,
      packet_id: node.packetId,
      last_updated_ts: Math.floor(seen),
    };
    [node.temperatureC, node.humidity, node.button].forEach((value, offset) => {
      const sensorId = 200 + index * 3 + offset;
      status[`bthomesensor:${sensorId}`] = {
        id: sensorId,
        value,
        last_updated_ts: Math.floor(seen),
      };
    });
  });
  return status;
}

/**
 * BLU TRVs paired with a gateway: one `blutrv:N` each, numbered from 200 like dynamic components (a
 * count of their own, apart from `bthomedevice:N`).
 */
export function gen2BluTrvs(state: DeviceState): Status {
  const status: Status = {};
  for (const trv of state.bluTrvs) {
    status[`blutrv:${trv.componentId}`] = {
      id: trv.componentId,
      target_C: trv.targetC,
      current_C: trv.currentC,
      pos: trv.pos,
      rssi: trv.rssi,
      battery: trv.battery,
      packet_id: trv.packetId,
      last_updated_ts: Math.floor(trv.updatedAt / 1000),
      paired: true,
      rpc: true,
      rsv: 16,
    };
  }
  return status;
}

export function gen2InternalTemperatureComponent(state: DeviceState): Status {
  return { id: 0, ...internalTemperature(state) };
}
