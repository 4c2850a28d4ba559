import { clockTime, DeviceIdentity, fahrenheit, unixSeconds } from './device-identity';
import { DeviceState, LightChannel, RelayChannel, RollerChannel, Timer } from './device-state';
import { round } from './seeded-random';

/** Gen1 `/status` shapes (flat object with arrays), as the cloud relays them. */
export type Status = Record<string, unknown>;

export function gen1Common(identity: DeviceIdentity, state: DeviceState, now: number): Status {
  const system = state.system;
  return {
    wifi_sta: { connected: true, ssid: system.ssid, ip: system.ip, rssi: system.rssi },
    cloud: { enabled: true, connected: true },
    mqtt: { connected: false },
    time: clockTime(now),
    unixtime: unixSeconds(now),
    serial: system.serial,
    has_update: false,
    mac: identity.mac,
    cfg_changed_cnt: system.cfgRev,
    actions_stats: { skipped: 0 },
  };
}

export function gen1Housekeeping(
  identity: DeviceIdentity,
  state: DeviceState,
  now: number,
): Status {
  return {
    update: {
      status: 'idle',
      has_update: false,
      new_version: identity.firmware,
      old_version: identity.firmware,
    },
    ram_total: 51_688,
    ram_free: state.system.ramFree,
    fs_size: 233_681,
    fs_free: state.system.fsFree,
    uptime: Math.floor((now - state.system.bootedAt) / 1000),
  };
}

/** The keys `gen1Common` and `gen1Housekeeping` produce that move with time. */
export const gen1SystemKeys = ['wifi_sta', 'time', 'unixtime', 'serial', 'ram_free', 'uptime'];

function timerFields(timer: Timer | undefined, now: number): Status {
  if (!timer) {
    return { has_timer: false, timer_started: 0, timer_duration: 0, timer_remaining: 0 };
  }
  const elapsed = Math.floor((now - timer.startedAt) / 1000);
  return {
    has_timer: true,
    timer_started: unixSeconds(timer.startedAt),
    timer_duration: timer.durationS,
    timer_remaining: Math.max(0, timer.durationS - elapsed),
  };
}

export function gen1Relay(relay: RelayChannel, now: number, extra: Status = {}): Status {
  return {
    ison: relay.on,
    ...timerFields(relay.timer, now),
    overpower: false,
    ...extra,
    source: relay.source,
  };
}

/** Gen1 meters count in watt-minutes: `counters` per full minute, `total` since boot of the counter. */
export function gen1Meter(powerW: number, energyWh: number, now: number): Status {
  const perMinute = round(powerW, 3);
  return {
    power: round(powerW, 2),
    overpower: 0,
    is_valid: true,
    timestamp: unixSeconds(now),
    counters: [perMinute, perMinute, perMinute],
    total: Math.floor(energyWh * 60),
  };
}

export function gen1Roller(roller: RollerChannel): Status {
  return {
    state: roller.motion,
    source: roller.source,
    power: round(roller.powerW, 2),
    is_valid: true,
    safety_switch: false,
    overtemperature: false,
    stop_reason: 'normal',
    last_direction: roller.lastDirection,
    current_pos: roller.pos,
    calibrating: false,
    positioning: true,
  };
}

export function gen1DimmerLight(light: LightChannel, now: number): Status {
  return {
    ison: light.on,
    source: light.source,
    ...timerFields(light.timer, now),
    mode: 'white',
    brightness: light.brightness,
    transition: light.transition,
  };
}

export function gen1ColorLight(light: LightChannel, now: number): Status {
  return {
    ison: light.on,
    source: light.source,
    ...timerFields(light.timer, now),
    mode: light.mode,
    red: light.red,
    green: light.green,
    blue: light.blue,
    white: light.white,
    gain: light.gain,
    brightness: light.brightness,
    effect: light.effect,
    transition: light.transition,
    power: round(light.powerW, 2),
    overpower: false,
  };
}

export function gen1Inputs(state: DeviceState): Status[] {
  return state.inputs.map((input) => ({
    input: input.state ? 1 : 0,
    event: '',
    event_cnt: input.eventCount,
  }));
}

export function gen1InternalTemperature(state: DeviceState): Status {
  const celsius = state.system.deviceTemperatureC;
  return {
    temperature: celsius,
    overtemperature: false,
    tmp: { tC: celsius, tF: fahrenheit(celsius), is_valid: true },
  };
}

export function gen1SensorTemperature(state: DeviceState): Status {
  const celsius = state.sensors.temperatureC ?? 0;
  return { value: celsius, units: 'C', tC: celsius, tF: fahrenheit(celsius), is_valid: true };
}

export function gen1Battery(state: DeviceState): Status {
  const battery = state.sensors.battery ?? { percent: 0, voltageV: 0 };
  return { value: battery.percent, voltage: battery.voltageV };
}

export function gen1SensorHousekeeping(): Status {
  return { act_reasons: ['sensor'], connect_retries: 0, sensor_error: 0 };
}

export function illumination(lux: number): 'dark' | 'twilight' | 'bright' {
  if (lux < 50) return 'dark';
  return lux < 500 ? 'twilight' : 'bright';
}
