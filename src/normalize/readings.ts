import { Component, Measurement, Metric, addMeasurement } from './measurement';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Gen1 flags readings with `is_valid`; some firmware sends the string "true". Any other flag value is
 * not trusted, so the reading is left out rather than guessed.
 */
export function isMarkedValid(reading: JsonObject): boolean {
  const flag = reading.is_valid;
  return flag === undefined || flag === true || flag === 'true';
}

/** Rounded to 0.01 °C: the devices report 0.1 °F at best, so more digits would only be conversion noise. */
export function fahrenheitToCelsius(fahrenheit: number): number {
  return Math.round(((fahrenheit - 32) * 500) / 9) / 100;
}

/**
 * Celsius from any of the temperature shapes: Gen2 `{tC, tF}` (either may be null), Gen1 `{tC, tF}`
 * and Gen1 sensors' `{value, units}`.
 */
export function celsiusOf(reading: JsonObject): number | undefined {
  const celsius = reading.tC;
  if (Number.isFinite(celsius)) return celsius as number;
  const value = reading.value;
  if (Number.isFinite(value)) {
    if (reading.units === 'C') return value as number;
    if (reading.units === 'F') return fahrenheitToCelsius(value as number);
  }
  const fahrenheit = reading.tF;
  return Number.isFinite(fahrenheit) ? fahrenheitToCelsius(fahrenheit as number) : undefined;
}

export function addNumber(
  out: Measurement[],
  component: Component,
  channel: number,
  metric: Metric,
  value: unknown,
): void {
  if (Number.isFinite(value)) addMeasurement(out, component, channel, metric, value as number);
}

export function addBoolean(
  out: Measurement[],
  component: Component,
  channel: number,
  metric: Metric,
  value: unknown,
): void {
  if (typeof value === 'boolean') addMeasurement(out, component, channel, metric, value);
}

/** Positions outside 0..100 are sentinels (uncalibrated, unknown), never positions. */
export function addPosition(
  out: Measurement[],
  component: Component,
  channel: number,
  value: unknown,
): void {
  if (Number.isFinite(value) && (value as number) >= 0 && (value as number) <= 100) {
    addMeasurement(out, component, channel, 'position', value as number);
  }
}

export function addTemperature(
  out: Measurement[],
  component: Component,
  channel: number,
  metric: 'temperature' | 'target_temperature',
  reading: unknown,
): void {
  if (!isJsonObject(reading)) return;
  const celsius = celsiusOf(reading);
  if (celsius !== undefined) addMeasurement(out, component, channel, metric, celsius);
}
