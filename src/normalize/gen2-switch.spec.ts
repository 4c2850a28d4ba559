import {
  fixtureMeasurements,
  frameText,
  measurementsOf,
  statusEventOf,
  testContext,
} from '../../test/fixtures/frames/frames';
import { normalizeFrame } from './normalize-frame';

describe('Gen2 switch status', () => {
  it('reports output, metering, energy counters, temperature and Wi-Fi signal of a full status', () => {
    const event = statusEventOf(normalizeFrame(frameText('gen2-switch-status'), testContext()));

    expect(event.format).toBe('gen2');
    expect(event.measurements).toEqual([
      { component: 'input', channel: 0, metric: 'state', value: false },
      { component: 'switch', channel: 0, metric: 'output', value: true },
      { component: 'switch', channel: 0, metric: 'power', unit: 'W', value: 41.7 },
      { component: 'switch', channel: 0, metric: 'voltage', unit: 'V', value: 231.9 },
      { component: 'switch', channel: 0, metric: 'current', unit: 'A', value: 0.198 },
      { component: 'switch', channel: 0, metric: 'power_factor', value: 0.91 },
      { component: 'switch', channel: 0, metric: 'frequency', unit: 'Hz', value: 50.01 },
      { component: 'switch', channel: 0, metric: 'energy', unit: 'Wh', value: 1523.406 },
      { component: 'switch', channel: 0, metric: 'returned_energy', unit: 'Wh', value: 0 },
      { component: 'switch', channel: 0, metric: 'temperature', unit: 'C', value: 44.1 },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -61 },
    ]);
  });

  it('reports no Wi-Fi signal of a Pro 4PM on Ethernet, whose Wi-Fi is disconnected with rssi 0', () => {
    const measurements = fixtureMeasurements('gen2-pro4pm-ethernet-status');

    expect(measurements.filter((m) => m.metric === 'rssi')).toEqual([]);
    expect(measurements).toContainEqual({
      component: 'switch',
      channel: 0,
      metric: 'power',
      unit: 'W',
      value: 118.3,
    });
  });

  it('reports a Wi-Fi signal only while the status says connected', () => {
    expect(measurementsOf({ wifi: { status: 'connected', rssi: -70 } })).toEqual([
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -70 },
    ]);
    expect(measurementsOf({ wifi: { status: 'connecting', rssi: -70 } })).toEqual([]);
  });

  it('takes the channel from the component id', () => {
    expect(measurementsOf({ 'switch:3': { id: 3, output: false } })).toEqual([
      { component: 'switch', channel: 3, metric: 'output', value: false },
    ]);
  });

  it('reports no power for a switch without metering instead of 0 W', () => {
    expect(measurementsOf({ 'switch:0': { id: 0, output: true, source: 'button' } })).toEqual([
      { component: 'switch', channel: 0, metric: 'output', value: true },
    ]);
  });

  it('never reads the per-minute energy list as a total', () => {
    const measurements = measurementsOf({
      'switch:0': { aenergy: { by_minute: [695.2, 690.1, 698.4], minute_ts: 1740910440 } },
    });

    expect(measurements).toEqual([]);
  });

  it('converts a Fahrenheit-only temperature to Celsius', () => {
    expect(measurementsOf({ 'switch:0': { temperature: { tC: null, tF: 111.4 } } })).toEqual([
      { component: 'switch', channel: 0, metric: 'temperature', unit: 'C', value: 44.11 },
    ]);
  });

  it('leaves out a temperature the device reports as null', () => {
    expect(measurementsOf({ 'switch:0': { temperature: { tC: null, tF: null } } })).toEqual([]);
  });

  it('skips a reading of the wrong type and keeps the rest of the component', () => {
    expect(
      measurementsOf({ 'switch:0': { output: 'yes', apower: 'abc', voltage: 230.2 } }),
    ).toEqual([{ component: 'switch', channel: 0, metric: 'voltage', unit: 'V', value: 230.2 }]);
  });

  it('captured 2PM Gen3 in switch profile: two metered switches, inputs and Wi-Fi signal', () => {
    expect(fixtureMeasurements('gen3-2pm-switch-status')).toEqual([
      { component: 'input', channel: 0, metric: 'state', value: false },
      { component: 'input', channel: 1, metric: 'state', value: false },
      { component: 'switch', channel: 0, metric: 'output', value: false },
      { component: 'switch', channel: 0, metric: 'power', unit: 'W', value: 0 },
      { component: 'switch', channel: 0, metric: 'voltage', unit: 'V', value: 216.2 },
      { component: 'switch', channel: 0, metric: 'current', unit: 'A', value: 0 },
      { component: 'switch', channel: 0, metric: 'power_factor', value: 0 },
      { component: 'switch', channel: 0, metric: 'frequency', unit: 'Hz', value: 50 },
      { component: 'switch', channel: 0, metric: 'energy', unit: 'Wh', value: 0 },
      { component: 'switch', channel: 0, metric: 'returned_energy', unit: 'Wh', value: 0 },
      { component: 'switch', channel: 0, metric: 'temperature', unit: 'C', value: 40.6 },
      { component: 'switch', channel: 1, metric: 'output', value: false },
      { component: 'switch', channel: 1, metric: 'power', unit: 'W', value: 0 },
      { component: 'switch', channel: 1, metric: 'voltage', unit: 'V', value: 216.3 },
      { component: 'switch', channel: 1, metric: 'current', unit: 'A', value: 0 },
      { component: 'switch', channel: 1, metric: 'power_factor', value: 0 },
      { component: 'switch', channel: 1, metric: 'frequency', unit: 'Hz', value: 50 },
      { component: 'switch', channel: 1, metric: 'energy', unit: 'Wh', value: 0 },
      { component: 'switch', channel: 1, metric: 'returned_energy', unit: 'Wh', value: 0 },
      { component: 'switch', channel: 1, metric: 'temperature', unit: 'C', value: 40.6 },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -52 },
    ]);
  });

  it('captured Power Strip Gen4: four metered switches without temperature', () => {
    expect(fixtureMeasurements('gen4-power-strip-status')).toEqual([
      { component: 'switch', channel: 0, metric: 'output', value: true },
      { component: 'switch', channel: 0, metric: 'power', unit: 'W', value: 0 },
      { component: 'switch', channel: 0, metric: 'voltage', unit: 'V', value: 232.5 },
      { component: 'switch', channel: 0, metric: 'current', unit: 'A', value: 0.017 },
      { component: 'switch', channel: 0, metric: 'power_factor', value: 0 },
      { component: 'switch', channel: 0, metric: 'frequency', unit: 'Hz', value: 50 },
      { component: 'switch', channel: 0, metric: 'energy', unit: 'Wh', value: 6468.282 },
      { component: 'switch', channel: 0, metric: 'returned_energy', unit: 'Wh', value: 0 },
      { component: 'switch', channel: 1, metric: 'output', value: true },
      { component: 'switch', channel: 1, metric: 'power', unit: 'W', value: 1.7 },
      { component: 'switch', channel: 1, metric: 'voltage', unit: 'V', value: 232.6 },
      { component: 'switch', channel: 1, metric: 'current', unit: 'A', value: 0.017 },
      { component: 'switch', channel: 1, metric: 'power_factor', value: 0.42 },
      { component: 'switch', channel: 1, metric: 'frequency', unit: 'Hz', value: 50 },
      { component: 'switch', channel: 1, metric: 'energy', unit: 'Wh', value: 4227.56 },
      { component: 'switch', channel: 1, metric: 'returned_energy', unit: 'Wh', value: 0 },
      { component: 'switch', channel: 2, metric: 'output', value: false },
      { component: 'switch', channel: 2, metric: 'power', unit: 'W', value: 0 },
      { component: 'switch', channel: 2, metric: 'voltage', unit: 'V', value: 231.2 },
      { component: 'switch', channel: 2, metric: 'current', unit: 'A', value: 0 },
      { component: 'switch', channel: 2, metric: 'power_factor', value: 0 },
      { component: 'switch', channel: 2, metric: 'frequency', unit: 'Hz', value: 50 },
      { component: 'switch', channel: 2, metric: 'energy', unit: 'Wh', value: 336.76 },
      { component: 'switch', channel: 2, metric: 'returned_energy', unit: 'Wh', value: 0 },
      { component: 'switch', channel: 3, metric: 'output', value: true },
      { component: 'switch', channel: 3, metric: 'power', unit: 'W', value: 15.4 },
      { component: 'switch', channel: 3, metric: 'voltage', unit: 'V', value: 231.2 },
      { component: 'switch', channel: 3, metric: 'current', unit: 'A', value: 0.169 },
      { component: 'switch', channel: 3, metric: 'power_factor', value: 0.62 },
      { component: 'switch', channel: 3, metric: 'frequency', unit: 'Hz', value: 50 },
      { component: 'switch', channel: 3, metric: 'energy', unit: 'Wh', value: 18440.297 },
      { component: 'switch', channel: 3, metric: 'returned_energy', unit: 'Wh', value: 0 },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -68 },
    ]);
  });
});
