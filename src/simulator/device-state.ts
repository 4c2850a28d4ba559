import { Random, round } from './seeded-random';

/**
 * Generation-neutral state of one simulated device. Renderers turn it into the exact Gen1 or Gen2+
 * status shape; commands and the passing of time change it. Energy counters are kept in Wh and only
 * ever grow.
 */
export interface DeviceState {
  /** Epoch ms up to which energy has been integrated. */
  settledAt: number;
  mains: { voltageV: number; freqHz: number };
  relays: RelayChannel[];
  lights: LightChannel[];
  rollers: RollerChannel[];
  /** Energy-meter channels: one per phase (3EM, Pro 3EM) or per clamp (EM). */
  phases: PhaseMeter[];
  inputs: InputChannel[];
  sensors: Sensors;
  bluNodes: BluNode[];
  bluTrvs: BluTrv[];
  system: SystemState;
}

export interface Timer {
  startedAt: number;
  durationS: number;
}

export interface RelayChannel {
  on: boolean;
  source: string;
  metered: boolean;
  loadW: number;
  powerW: number;
  energyWh: number;
  timer?: Timer;
}

export interface LightChannel {
  on: boolean;
  source: string;
  mode: 'white' | 'color';
  brightness: number;
  red: number;
  green: number;
  blue: number;
  white: number;
  gain: number;
  effect: number;
  transition: number;
  /** Colour temperature in kelvin, on lights that have one (tunable white). */
  colorTempK?: number;
  metered: boolean;
  loadW: number;
  powerW: number;
  energyWh: number;
  timer?: Timer;
}

export interface RollerChannel {
  /** Current position, percent open. Motion is applied at once; `motion` is the last movement asked for. */
  pos: number;
  motion: 'open' | 'close' | 'stop';
  lastDirection: 'open' | 'close';
  source: string;
  motorW: number;
  powerW: number;
  energyWh: number;
}

export interface PhaseMeter {
  /** Negative when exporting. */
  powerW: number;
  reactiveVar: number;
  pf: number;
  currentA: number;
  energyWh: number;
  returnedWh: number;
}

export interface InputChannel {
  state: boolean;
  eventCount: number;
}

export interface Sensors {
  temperatureC?: number;
  humidity?: number;
  lux?: number;
  flood?: boolean;
  contactOpen?: boolean;
  tiltDeg?: number;
  vibration?: boolean;
  battery?: { percent: number; voltageV: number };
}

/** A BLU (Bluetooth) sensor seen through a gateway, a BLU H&T-like node. */
export interface BluNode {
  componentId: number;
  address: string;
  rssi: number;
  battery: number;
  packetId: number;
  temperatureC: number;
  humidity: number;
  button: number;
  updatedAt: number;
}

/** A BLU TRV (thermostatic radiator valve) paired with a gateway. */
export interface BluTrv {
  componentId: number;
  rssi: number;
  battery: number;
  packetId: number;
  currentC: number;
  targetC: number;
  /** Valve opening, percent. */
  pos: number;
  updatedAt: number;
}

export interface SystemState {
  bootedAt: number;
  deviceTemperatureC: number;
  rssi: number;
  ip: string;
  ssid: string;
  ramFree: number;
  fsFree: number;
  cfgRev: number;
  /** The cloud's per-status counter, bumped on every status it relays. */
  serial: number;
}

/** What a model is made of. */
export interface DeviceLayout {
  relays?: { count: number; metered: boolean };
  /** `colorTemp`: the lights are tunable white and keep a colour temperature. */
  lights?: { count: number; mode: 'white' | 'color'; metered: boolean; colorTemp?: boolean };
  rollers?: number;
  phases?: number;
  inputs?: number;
  sensors?: (keyof Sensors)[];
  bluNodes?: number;
  bluTrvs?: number;
}

/** A piece of state that changed; renderers map it to the status keys to send in a partial update. */
export type StatePart =
  | `relay:${number}`
  | `light:${number}`
  | `roller:${number}`
  | `input:${number}`
  | 'phases'
  | 'sensors'
  | 'blu'
  | 'system';

export function createDeviceState(layout: DeviceLayout, rng: Random, now: number): DeviceState {
  const relays = Array.from({ length: layout.relays?.count ?? 0 }, () => {
    const on = rng.chance(0.5);
    const loadW = round(rng.between(15, 2000), 1);
    return {
      on,
      source: 'init',
      metered: layout.relays?.metered ?? false,
      loadW,
      powerW: 0,
      energyWh: round(rng.between(500, 400_000), 3),
    };
  });
  const lights = Array.from({ length: layout.lights?.count ?? 0 }, () => ({
    on: rng.chance(0.5),
    source: 'init',
    mode: layout.lights?.mode ?? 'white',
    brightness: rng.int(10, 100),
    red: rng.int(0, 255),
    green: rng.int(0, 255),
    blue: rng.int(0, 255),
    white: rng.int(0, 255),
    gain: rng.int(10, 100),
    effect: 0,
    transition: 0,
    metered: layout.lights?.metered ?? false,
    loadW: round(rng.between(5, 60), 1),
    powerW: 0,
    energyWh: round(rng.between(100, 50_000), 3),
    ...(layout.lights?.colorTemp ? { colorTempK: rng.int(27, 65) * 100 } : {}),
  }));
  const rollers = Array.from({ length: layout.rollers ?? 0 }, () => ({
    pos: rng.int(0, 100),
    motion: 'stop' as const,
    lastDirection: rng.pick(['open', 'close'] as const),
    source: 'init',
    motorW: round(rng.between(90, 180), 1),
    powerW: 0,
    energyWh: round(rng.between(50, 5_000), 3),
  }));
  const phases = Array.from({ length: layout.phases ?? 0 }, (_, index) => ({
    // The last phase exports on some devices, as a solar installation would.
    powerW: index === 1 && rng.chance(0.5) ? -round(rng.between(100, 2500), 2) : 0,
    reactiveVar: 0,
    pf: 1,
    currentA: 0,
    energyWh: round(rng.between(10_000, 9_000_000), 3),
    returnedWh: round(rng.between(0, 500_000), 3),
  }));
  const inputs = Array.from({ length: layout.inputs ?? 0 }, () => ({
    state: rng.chance(0.3),
    eventCount: rng.int(0, 40),
  }));
  const state: DeviceState = {
    settledAt: now,
    mains: { voltageV: round(rng.between(226, 236), 1), freqHz: 50 },
    relays,
    lights,
    rollers,
    phases,
    inputs,
    sensors: createSensors(layout.sensors ?? [], rng),
    bluNodes: Array.from({ length: layout.bluNodes ?? 0 }, (_, index) => ({
      componentId: 200 + index,
      address: Array.from({ length: 6 }, () => rng.int(0, 255).toString(16).padStart(2, '0')).join(
        ':',
      ),
      rssi: rng.int(-90, -50),
      battery: rng.int(40, 100),
      packetId: rng.int(0, 255),
      temperatureC: round(rng.between(16, 26), 1),
      humidity: round(rng.between(30, 70), 0),
      button: 0,
      updatedAt: now,
    })),
    bluTrvs: Array.from({ length: layout.bluTrvs ?? 0 }, (_, index) => {
      const targetC = rng.pick([19, 20, 20.5, 21, 22]);
      return {
        componentId: 200 + index,
        rssi: rng.int(-85, -55),
        battery: rng.int(40, 100),
        packetId: rng.int(0, 255),
        currentC: round(targetC + rng.between(-2.5, 0.5), 1),
        targetC,
        pos: 0,
        updatedAt: now,
      };
    }),
    system: {
      bootedAt: now - rng.int(600, 3_000_000) * 1000,
      deviceTemperatureC: round(rng.between(35, 55), 1),
      rssi: rng.int(-80, -45),
      ip: `192.168.${rng.int(0, 9)}.${rng.int(20, 250)}`,
      ssid: rng.pick(['Home', 'Office-IoT', 'Shelly-Net']),
      ramFree: rng.int(30_000, 140_000),
      fsFree: rng.int(60_000, 170_000),
      cfgRev: rng.int(1, 40),
      serial: rng.int(1, 5000),
    },
  };
  refreshPowers(state, rng);
  return state;
}

function createSensors(kinds: readonly (keyof Sensors)[], rng: Random): Sensors {
  const sensors: Sensors = {};
  for (const kind of kinds) {
    switch (kind) {
      case 'temperatureC':
        sensors.temperatureC = round(rng.between(17, 25), 1);
        break;
      case 'humidity':
        sensors.humidity = round(rng.between(35, 65), 1);
        break;
      case 'lux':
        sensors.lux = rng.int(0, 800);
        break;
      case 'flood':
        sensors.flood = false;
        break;
      case 'contactOpen':
        sensors.contactOpen = rng.chance(0.3);
        break;
      case 'tiltDeg':
        sensors.tiltDeg = rng.chance(0.8) ? 0 : rng.int(1, 90);
        break;
      case 'vibration':
        sensors.vibration = false;
        break;
      case 'battery':
        sensors.battery = { percent: rng.int(35, 100), voltageV: 0 };
        sensors.battery.voltageV = batteryVoltage(sensors.battery.percent);
        break;
    }
  }
  return sensors;
}

function batteryVoltage(percent: number): number {
  return round(2.5 + percent * 0.007, 2);
}

/** Integrates energy up to `now` at the powers that held since the last settlement. */
export function settleEnergy(state: DeviceState, now: number): void {
  const hours = Math.max(0, now - state.settledAt) / 3_600_000;
  state.settledAt = Math.max(state.settledAt, now);
  if (hours === 0) return;
  for (const channel of [...state.relays, ...state.lights, ...state.rollers]) {
    channel.energyWh += Math.max(0, channel.powerW) * hours;
  }
  for (const phase of state.phases) {
    if (phase.powerW >= 0) phase.energyWh += phase.powerW * hours;
    else phase.returnedWh += -phase.powerW * hours;
  }
}

/** Sets every power reading from the channel states, with a little noise. */
function refreshPowers(state: DeviceState, rng: Random): void {
  const noise = () => rng.between(0.98, 1.02);
  for (const relay of state.relays) {
    relay.powerW = relay.metered && relay.on ? round(relay.loadW * noise(), 2) : 0;
  }
  for (const light of state.lights) {
    const level = light.mode === 'white' ? light.brightness : light.gain;
    light.powerW = light.metered && light.on ? round((light.loadW * level * noise()) / 100, 2) : 0;
  }
  for (const roller of state.rollers) roller.powerW = 0;
  // The valve opens the further the room is below its target.
  for (const trv of state.bluTrvs) {
    trv.pos = Math.round(clamp((trv.targetC - trv.currentC) * 40, 0, 100));
  }
  for (const phase of state.phases) {
    const exporting = phase.powerW < 0;
    const magnitude = Math.abs(phase.powerW) || rng.between(80, 1500);
    phase.powerW = round(
      (exporting ? -1 : 1) * clamp(magnitude * rng.between(0.9, 1.1), 5, 6000),
      2,
    );
    phase.pf = round(rng.between(0.85, 1), 2);
    phase.currentA = round(Math.abs(phase.powerW) / (state.mains.voltageV * phase.pf), 3);
    phase.reactiveVar = round(phase.powerW * Math.tan(Math.acos(phase.pf)) * -0.2, 2);
  }
}

/**
 * Lets time pass: integrates energy, moves readings a little (noise, sensor drift, battery drain)
 * and returns every part whose rendering changed.
 */
export function advanceDeviceState(state: DeviceState, now: number, rng: Random): StatePart[] {
  settleEnergy(state, now);
  state.mains.voltageV = round(clamp(state.mains.voltageV + rng.between(-0.6, 0.6), 220, 245), 1);
  state.mains.freqHz = round(rng.between(49.95, 50.05), 2);
  refreshPowers(state, rng);
  const sensors = state.sensors;
  if (sensors.temperatureC !== undefined) {
    sensors.temperatureC = round(sensors.temperatureC + rng.between(-0.2, 0.2), 1);
  }
  if (sensors.humidity !== undefined) {
    sensors.humidity = round(clamp(sensors.humidity + rng.between(-0.5, 0.5), 0, 100), 1);
  }
  if (sensors.lux !== undefined) sensors.lux = clamp(sensors.lux + rng.int(-20, 20), 0, 100_000);
  if (sensors.battery && rng.chance(0.05) && sensors.battery.percent > 1) {
    sensors.battery.percent -= 1;
    sensors.battery.voltageV = batteryVoltage(sensors.battery.percent);
  }
  for (const node of state.bluNodes) {
    node.temperatureC = round(node.temperatureC + rng.between(-0.2, 0.2), 1);
    node.humidity = round(clamp(node.humidity + rng.int(-1, 1), 0, 100), 0);
    node.rssi = clamp(node.rssi + rng.int(-2, 2), -100, -30);
    node.packetId = (node.packetId + 1) % 256;
    node.updatedAt = now;
  }
  for (const trv of state.bluTrvs) {
    const towardTarget = trv.pos > 0 ? 0.15 : -0.05;
    trv.currentC = round(clamp(trv.currentC + towardTarget + rng.between(-0.1, 0.1), 5, 30), 1);
    trv.rssi = clamp(trv.rssi + rng.int(-2, 2), -100, -30);
    trv.packetId = (trv.packetId + 1) % 256;
    trv.updatedAt = now;
  }
  state.system.deviceTemperatureC = round(
    clamp(state.system.deviceTemperatureC + rng.between(-0.3, 0.3), 20, 80),
    1,
  );
  state.system.rssi = clamp(state.system.rssi + rng.int(-1, 1), -95, -30);
  const parts: StatePart[] = ['system'];
  state.relays.forEach((relay, index) => relay.metered && parts.push(`relay:${index}`));
  state.lights.forEach((light, index) => light.metered && parts.push(`light:${index}`));
  if (state.phases.length > 0) parts.push('phases');
  if (Object.keys(sensors).length > 0) parts.push('sensors');
  if (state.bluNodes.length > 0 || state.bluTrvs.length > 0) parts.push('blu');
  return parts;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
