import { Component, CoverState, Measurement, addMeasurement } from './measurement';
import {
  JsonObject,
  addBoolean,
  addNumber,
  addPosition,
  addTemperature,
  isJsonObject,
  isMarkedValid,
} from './readings';

/** Top-level keys that only a Gen1 status has; they decide the dialect of a status without `type:N` keys. */
export const gen1StatusKeys: ReadonlySet<string> = new Set([
  'relays',
  'meters',
  'emeters',
  'rollers',
  'lights',
  'inputs',
  'thermostats',
  'tmp',
  'hum',
  'lux',
  'bat',
  'sensor',
  'accel',
  'flood',
  'smoke',
  'motion',
  'wifi_sta',
  'has_update',
  'unixtime',
  'ram_total',
]);

/**
 * Measurements of a Gen1 status: a flat object whose arrays are indexed by channel. Keys it does
 * not know (cloud wrapper keys, `update`, `cloud`, ...) are skipped.
 */
export function measureGen1Status(status: JsonObject, out: Measurement[]): void {
  for (const key in status) {
    const value = status[key];
    switch (key) {
      case 'relays':
        if (!isRollerMode(status)) measureEntries(out, value, 'switch', measureRelay);
        break;
      case 'meters': {
        const component = meterComponent(status);
        if (component !== undefined) measureEntries(out, value, component, measureMeter);
        break;
      }
      case 'emeters':
        measureEntries(out, value, 'em', measureEmeter);
        break;
      case 'rollers':
        measureEntries(out, value, 'cover', measureRoller);
        break;
      case 'lights':
        measureEntries(out, value, 'light', measureLight);
        break;
      case 'inputs':
        measureEntries(out, value, 'input', measureInput);
        break;
      case 'thermostats':
        measureEntries(out, value, 'trv', measureThermostat);
        break;
      case 'tmp':
        measureTmp(out, value);
        break;
      case 'hum':
        measureValue(out, 'humidity', 'humidity', value);
        break;
      case 'lux':
        measureValue(out, 'illuminance', 'illuminance', value);
        break;
      case 'bat':
        if (isJsonObject(value)) {
          addNumber(out, 'device', 0, 'battery', value.value);
          addNumber(out, 'device', 0, 'battery_voltage', value.voltage);
        }
        break;
      case 'flood':
      case 'smoke':
        addBoolean(out, key, 0, 'alarm', value);
        break;
      case 'motion':
        addBoolean(out, 'motion', 0, 'motion', value);
        break;
      case 'sensor':
        measureSensor(out, value);
        break;
      case 'accel':
        measureAccelerometer(out, value);
        break;
      case 'wifi_sta':
        if (isJsonObject(value) && value.connected !== false) {
          addNumber(out, 'device', 0, 'rssi', value.rssi);
        }
        break;
    }
  }
}

/**
 * A Shelly 2 or 2.5 in roller mode still lists its two relays and their meters: both drive the one
 * motor, whose state and power the roller already reports, so they are left out rather than shown
 * as two switches.
 */
function isRollerMode(status: JsonObject): boolean {
  const rollers = status.rollers;
  return Array.isArray(rollers) && rollers.length > 0;
}

/**
 * `meters[]` carry no owner of their own: they meter the lights on dimmers and RGBW devices and the
 * relays elsewhere.
 */
function meterComponent(status: JsonObject): Component | undefined {
  if (isRollerMode(status)) return undefined;
  return status.lights === undefined ? 'switch' : 'light';
}

type EntryReader = (
  out: Measurement[],
  component: Component,
  channel: number,
  entry: JsonObject,
) => void;

function measureEntries(
  out: Measurement[],
  list: unknown,
  component: Component,
  read: EntryReader,
): void {
  if (!Array.isArray(list)) return;
  for (let channel = 0; channel < list.length; channel++) {
    const entry: unknown = list[channel];
    if (isJsonObject(entry)) read(out, component, channel, entry);
  }
}

function measureRelay(
  out: Measurement[],
  component: Component,
  channel: number,
  relay: JsonObject,
): void {
  addBoolean(out, component, channel, 'output', relay.ison);
}

/** Relay and light meters count watt-minutes. */
function measureMeter(
  out: Measurement[],
  component: Component,
  channel: number,
  meter: JsonObject,
): void {
  if (!isMarkedValid(meter)) return;
  addNumber(out, component, channel, 'power', meter.power);
  const total = meter.total;
  if (Number.isFinite(total))
    addMeasurement(out, component, channel, 'energy', (total as number) / 60);
}

/** EM and 3EM count Wh already. */
function measureEmeter(
  out: Measurement[],
  component: Component,
  channel: number,
  meter: JsonObject,
): void {
  if (!isMarkedValid(meter)) return;
  addNumber(out, component, channel, 'power', meter.power);
  addNumber(out, component, channel, 'reactive_power', meter.reactive);
  addNumber(out, component, channel, 'power_factor', meter.pf);
  addNumber(out, component, channel, 'voltage', meter.voltage);
  addNumber(out, component, channel, 'current', meter.current);
  addNumber(out, component, channel, 'energy', meter.total);
  addNumber(out, component, channel, 'returned_energy', meter.total_returned);
}

/**
 * Gen1 `state` names the motion in progress (`open` = moving up) or `stop`, so it maps onto the
 * moving/stopped half of the cover states; a Gen1 roller never says whether it is fully open.
 * `is_valid` concerns the power reading only.
 */
function measureRoller(
  out: Measurement[],
  component: Component,
  channel: number,
  roller: JsonObject,
): void {
  const calibrating = roller.calibrating === true;
  const state = calibrating ? 'calibrating' : gen1RollerState(roller.state);
  if (state !== undefined) addMeasurement(out, component, channel, 'state', state);
  if (isMarkedValid(roller)) addNumber(out, component, channel, 'power', roller.power);
  if (!calibrating && roller.positioning !== false) {
    addPosition(out, component, channel, roller.current_pos);
  }
}

function gen1RollerState(state: unknown): CoverState | undefined {
  switch (state) {
    case 'open':
      return 'opening';
    case 'close':
      return 'closing';
    case 'stop':
      return 'stopped';
    default:
      return undefined;
  }
}

function measureLight(
  out: Measurement[],
  component: Component,
  channel: number,
  light: JsonObject,
): void {
  addBoolean(out, component, channel, 'output', light.ison);
  addNumber(out, component, channel, 'brightness', light.brightness);
  addNumber(out, component, channel, 'gain', light.gain);
  addNumber(out, component, channel, 'red', light.red);
  addNumber(out, component, channel, 'green', light.green);
  addNumber(out, component, channel, 'blue', light.blue);
  addNumber(out, component, channel, 'white', light.white);
  addNumber(out, component, channel, 'color_temp', light.temp);
}

function measureInput(
  out: Measurement[],
  component: Component,
  channel: number,
  input: JsonObject,
): void {
  const level = input.input;
  if (level === 0 || level === 1) addMeasurement(out, component, channel, 'state', level === 1);
}

function measureThermostat(
  out: Measurement[],
  component: Component,
  channel: number,
  thermostat: JsonObject,
): void {
  const measured = thermostat.tmp;
  if (isJsonObject(measured) && isMarkedValid(measured)) {
    addTemperature(out, component, channel, 'temperature', measured);
  }
  addTemperature(out, component, channel, 'target_temperature', thermostat.target_t);
  addPosition(out, component, channel, thermostat.pos);
}

/**
 * Sensors send `tmp: {value, units, tC, tF}`; relays, plugs and dimmers send `tmp: {tC, tF}` for the
 * device's own temperature, which belongs to no channel and so goes on `device`.
 */
function measureTmp(out: Measurement[], tmp: unknown): void {
  if (!isJsonObject(tmp) || !isMarkedValid(tmp)) return;
  const isSensor = tmp.units !== undefined || tmp.value !== undefined;
  addTemperature(out, isSensor ? 'temperature' : 'device', 0, 'temperature', tmp);
}

function measureValue(
  out: Measurement[],
  component: Component,
  metric: 'humidity' | 'illuminance',
  reading: unknown,
): void {
  if (isJsonObject(reading) && isMarkedValid(reading)) {
    addNumber(out, component, 0, metric, reading.value);
  }
}

/** Door/window sensors report `state`; motion sensors report `motion` and `vibration` (tamper). */
function measureSensor(out: Measurement[], sensor: unknown): void {
  if (!isJsonObject(sensor) || !isMarkedValid(sensor)) return;
  const state = sensor.state;
  if (state === 'open' || state === 'close')
    addMeasurement(out, 'contact', 0, 'open', state === 'open');
  addBoolean(out, 'motion', 0, 'motion', sensor.motion);
  addBoolean(out, 'motion', 0, 'vibration', sensor.vibration);
}

/** The door/window sensor's accelerometer: -1 means not calibrated, for both readings. */
function measureAccelerometer(out: Measurement[], accel: unknown): void {
  if (!isJsonObject(accel)) return;
  const tilt = accel.tilt;
  if (Number.isFinite(tilt) && (tilt as number) >= 0) {
    addMeasurement(out, 'contact', 0, 'tilt', tilt as number);
  }
  const vibration = accel.vibration;
  if (vibration === 0 || vibration === 1) {
    addMeasurement(out, 'contact', 0, 'vibration', vibration === 1);
  }
}
