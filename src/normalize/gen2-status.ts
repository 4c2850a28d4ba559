import {
  Component,
  Measurement,
  Metric,
  Phase,
  addMeasurement,
  addPhaseMeasurement,
  coverStates,
} from './measurement';
import {
  JsonObject,
  addBoolean,
  addNumber,
  addPosition,
  addTemperature,
  isJsonObject,
} from './readings';

/**
 * Measurements of a Gen2+ status: a map of `type:id` components plus a few bare keys (`sys`, `wifi`,
 * ...). Components this vocabulary has no words for (virtual components, `sys`, `bthomesensor`, ...)
 * are skipped. The lights keep their own type as component (`light`, `rgb`, `rgbw`, `cct`): a Pro
 * RGBWW PM has `rgb:0` beside `cct:0` (rgbcct profile) or beside `light:0` (rgbx2light profile), two
 * lights with one id whose readings must not meet under one key.
 */
export function measureGen2Status(status: JsonObject, out: Measurement[]): void {
  for (const key in status) {
    const component = status[key];
    if (!isJsonObject(component)) continue;
    const colon = key.indexOf(':');
    if (colon < 0) {
      if (key === 'wifi' && isWifiConnected(component)) {
        addNumber(out, 'device', 0, 'rssi', component.rssi);
      }
      continue;
    }
    const id = componentId(key, colon + 1);
    if (id !== undefined) measureComponent(key.slice(0, colon), id, component, out);
  }
}

/**
 * A device on Ethernet sends `wifi: {status: "disconnected", rssi: 0}`: without a connection there is
 * no signal to report, and 0 dBm would read as a perfect one.
 */
function isWifiConnected(wifi: JsonObject): boolean {
  return wifi.status === 'got ip' || wifi.status === 'connected';
}

/** The `N` of `type:N`, or undefined unless it is a plain non-negative integer. */
function componentId(key: string, start: number): number | undefined {
  const length = key.length - start;
  if (length < 1 || length > 9 || (length > 1 && key.charCodeAt(start) === 48)) return undefined;
  let id = 0;
  for (let index = start; index < key.length; index++) {
    const digit = key.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return undefined;
    id = id * 10 + digit;
  }
  return id;
}

function measureComponent(type: string, id: number, status: JsonObject, out: Measurement[]): void {
  switch (type) {
    case 'switch':
      addBoolean(out, 'switch', id, 'output', status.output);
      addElectrical(out, 'switch', id, status);
      return;
    case 'cover':
      measureCover(out, id, status);
      return;
    case 'light':
    case 'rgb':
    case 'rgbw':
    case 'cct':
      measureLight(out, type, id, status);
      return;
    case 'pm1':
      addElectrical(out, 'pm', id, status);
      return;
    case 'em':
      addPhaseFields(out, id, status, emFields);
      return;
    case 'emdata':
      addPhaseFields(out, id, status, emDataFields);
      return;
    case 'em1':
      addFields(out, 'em', id, status, em1Fields);
      return;
    case 'em1data':
      addFields(out, 'em', id, status, em1DataFields);
      return;
    case 'input':
      addBoolean(out, 'input', id, 'state', status.state);
      addNumber(out, 'input', id, 'percent', status.percent);
      return;
    case 'temperature':
      if (!hasErrors(status)) addTemperature(out, 'temperature', id, 'temperature', status);
      return;
    case 'humidity':
      if (!hasErrors(status)) addNumber(out, 'humidity', id, 'humidity', status.rh);
      return;
    case 'illuminance':
      if (!hasErrors(status)) addNumber(out, 'illuminance', id, 'illuminance', status.lux);
      return;
    case 'voltmeter':
      if (!hasErrors(status)) addNumber(out, 'voltmeter', id, 'voltage', status.voltage);
      return;
    case 'flood':
    case 'smoke':
      addBoolean(out, type, id, 'alarm', status.alarm);
      return;
    case 'devicepower':
      measureDevicePower(out, id, status);
      return;
    case 'bthomedevice':
      addNumber(out, 'bthomedevice', id, 'battery', status.battery);
      addNumber(out, 'bthomedevice', id, 'rssi', status.rssi);
      addLastUpdated(out, 'bthomedevice', id, status.last_updated_ts);
      return;
    case 'blutrv':
      addNumber(out, 'trv', id, 'temperature', status.current_C);
      addNumber(out, 'trv', id, 'target_temperature', status.target_C);
      addPosition(out, 'trv', id, status.pos);
      addNumber(out, 'trv', id, 'battery', status.battery);
      addNumber(out, 'trv', id, 'rssi', status.rssi);
      addLastUpdated(out, 'trv', id, status.last_updated_ts);
      return;
  }
}

/**
 * A sensor component lists what went wrong in `errors` (`out_of_range`, `read`, a missing driver);
 * its readings are then placeholders (a Wall Display without the sensor driver sends -275.15 °C and
 * -2 % RH), so none of them is reported.
 */
function hasErrors(status: JsonObject): boolean {
  const errors = status.errors;
  return Array.isArray(errors) && errors.length > 0;
}

/**
 * When the gateway last heard a BLU device: Unix seconds, as sent. 0 means never heard since the
 * gateway started, so it is left out like any sentinel.
 */
function addLastUpdated(
  out: Measurement[],
  component: Component,
  id: number,
  value: unknown,
): void {
  if (Number.isFinite(value) && (value as number) > 0) {
    addMeasurement(out, component, id, 'last_updated', value as number);
  }
}

/** The metering fields shared by switch, cover, light and pm1; each appears only on metered models. */
function addElectrical(
  out: Measurement[],
  component: Component,
  id: number,
  status: JsonObject,
): void {
  addNumber(out, component, id, 'power', status.apower);
  addNumber(out, component, id, 'apparent_power', status.aprt_power);
  addNumber(out, component, id, 'voltage', status.voltage);
  addNumber(out, component, id, 'current', status.current);
  addNumber(out, component, id, 'power_factor', status.pf);
  addNumber(out, component, id, 'frequency', status.freq);
  addCounterTotal(out, component, id, 'energy', status.aenergy);
  addCounterTotal(out, component, id, 'returned_energy', status.ret_aenergy);
  addTemperature(out, component, id, 'temperature', status.temperature);
}

/** `aenergy.total` is the Wh counter; `by_minute` holds recent minutes in mWh and is not a total. */
function addCounterTotal(
  out: Measurement[],
  component: Component,
  id: number,
  metric: Metric,
  counter: unknown,
): void {
  if (isJsonObject(counter)) addNumber(out, component, id, metric, counter.total);
}

const coverStateSet: ReadonlySet<string> = new Set(coverStates);

function measureCover(out: Measurement[], id: number, status: JsonObject): void {
  const state = status.state;
  if (typeof state === 'string' && coverStateSet.has(state)) {
    addMeasurement(out, 'cover', id, 'state', state);
  }
  if (status.pos_control !== false && state !== 'calibrating') {
    addPosition(out, 'cover', id, status.current_pos);
  }
  addElectrical(out, 'cover', id, status);
}

function measureLight(
  out: Measurement[],
  component: 'light' | 'rgb' | 'rgbw' | 'cct',
  id: number,
  status: JsonObject,
): void {
  addBoolean(out, component, id, 'output', status.output);
  addNumber(out, component, id, 'brightness', status.brightness);
  const rgb = status.rgb;
  if (Array.isArray(rgb)) {
    addNumber(out, component, id, 'red', rgb[0]);
    addNumber(out, component, id, 'green', rgb[1]);
    addNumber(out, component, id, 'blue', rgb[2]);
  }
  addNumber(out, component, id, 'white', status.white);
  addNumber(out, component, id, 'color_temp', status.ct);
  addElectrical(out, component, id, status);
}

function measureDevicePower(out: Measurement[], id: number, status: JsonObject): void {
  const battery = status.battery;
  if (isJsonObject(battery)) {
    addNumber(out, 'device', id, 'battery', battery.percent);
    addNumber(out, 'device', id, 'battery_voltage', battery.V);
  }
  const external = status.external;
  if (isJsonObject(external)) addBoolean(out, 'device', id, 'external_power', external.present);
}

type Field = readonly [source: string, metric: Metric];
type PhaseField = readonly [source: string, phase: Phase, metric: Metric];

function addFields(
  out: Measurement[],
  component: Component,
  id: number,
  status: JsonObject,
  fields: readonly Field[],
): void {
  for (const [source, metric] of fields) addNumber(out, component, id, metric, status[source]);
}

function addPhaseFields(
  out: Measurement[],
  id: number,
  status: JsonObject,
  fields: readonly PhaseField[],
): void {
  for (const [source, phase, metric] of fields) {
    const value = status[source];
    if (Number.isFinite(value)) addPhaseMeasurement(out, 'em', id, phase, metric, value as number);
  }
}

const phases = ['a', 'b', 'c'] as const;

const emFields: readonly PhaseField[] = [
  ...phases.flatMap((phase): PhaseField[] => [
    [`${phase}_act_power`, phase, 'power'],
    [`${phase}_aprt_power`, phase, 'apparent_power'],
    [`${phase}_voltage`, phase, 'voltage'],
    [`${phase}_current`, phase, 'current'],
    [`${phase}_pf`, phase, 'power_factor'],
    [`${phase}_freq`, phase, 'frequency'],
  ]),
  ['total_act_power', 'total', 'power'],
  ['total_aprt_power', 'total', 'apparent_power'],
  ['total_current', 'total', 'current'],
];

const emDataFields: readonly PhaseField[] = [
  ...phases.flatMap((phase): PhaseField[] => [
    [`${phase}_total_act_energy`, phase, 'energy'],
    [`${phase}_total_act_ret_energy`, phase, 'returned_energy'],
  ]),
  ['total_act', 'total', 'energy'],
  ['total_act_ret', 'total', 'returned_energy'],
];

const em1Fields: readonly Field[] = [
  ['act_power', 'power'],
  ['aprt_power', 'apparent_power'],
  ['voltage', 'voltage'],
  ['current', 'current'],
  ['pf', 'power_factor'],
  ['freq', 'frequency'],
];

const em1DataFields: readonly Field[] = [
  ['total_act_energy', 'energy'],
  ['total_act_ret_energy', 'returned_energy'],
];
