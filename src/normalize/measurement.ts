/** The measurement vocabulary of status events: what consumers read instead of the device's own dialect. */

export const components = [
  'switch',
  'cover',
  'light',
  'rgb',
  'rgbw',
  'cct',
  'em',
  'pm',
  'input',
  'temperature',
  'humidity',
  'illuminance',
  'voltmeter',
  'contact',
  'motion',
  'flood',
  'smoke',
  'device',
  'bthomedevice',
  'trv',
] as const;
export type Component = (typeof components)[number];

/** Every metric with its unit; `null` for booleans, states and dimensionless numbers. */
export const metricUnits = {
  output: null,
  power: 'W',
  apparent_power: 'VA',
  reactive_power: 'var',
  voltage: 'V',
  current: 'A',
  frequency: 'Hz',
  power_factor: null,
  energy: 'Wh',
  returned_energy: 'Wh',
  temperature: 'C',
  target_temperature: 'C',
  humidity: '%',
  illuminance: 'lx',
  brightness: '%',
  gain: '%',
  position: '%',
  percent: '%',
  battery: '%',
  red: null,
  green: null,
  blue: null,
  white: null,
  color_temp: 'K',
  state: null,
  open: null,
  vibration: null,
  motion: null,
  alarm: null,
  external_power: null,
  online: null,
  tilt: 'deg',
  battery_voltage: 'V',
  rssi: 'dBm',
  last_updated: 's',
} as const;
export type Metric = keyof typeof metricUnits;
export type Unit = NonNullable<(typeof metricUnits)[Metric]>;

export type Phase = 'a' | 'b' | 'c' | 'total';

export const coverStates = [
  'open',
  'closed',
  'opening',
  'closing',
  'stopped',
  'calibrating',
] as const;
export type CoverState = (typeof coverStates)[number];

export interface Measurement {
  component: Component;
  channel: number;
  phase?: Phase;
  metric: Metric;
  unit?: Unit;
  value: number | boolean | string;
}

/** Appends one reading; the unit always follows from the metric, so callers cannot get it wrong. */
export function addMeasurement(
  out: Measurement[],
  component: Component,
  channel: number,
  metric: Metric,
  value: number | boolean | string,
): void {
  const unit = metricUnits[metric];
  out.push(
    unit === null
      ? { component, channel, metric, value }
      : { component, channel, metric, unit, value },
  );
}

export function addPhaseMeasurement(
  out: Measurement[],
  component: Component,
  channel: number,
  phase: Phase,
  metric: Metric,
  value: number,
): void {
  const unit = metricUnits[metric];
  out.push(
    unit === null
      ? { component, channel, phase, metric, value }
      : { component, channel, phase, metric, unit, value },
  );
}
