import { fixtureMeasurements, measurementsOf } from '../../test/fixtures/frames/frames';

describe('Gen2 sensor and input status', () => {
  it('reports a digital input state as a boolean', () => {
    expect(measurementsOf({ 'input:2': { id: 2, state: true } })).toEqual([
      { component: 'input', channel: 2, metric: 'state', value: true },
    ]);
  });

  it('leaves out an input whose state is null', () => {
    expect(measurementsOf({ 'input:0': { id: 0, state: null } })).toEqual([]);
  });

  it('reports an analog input as percent', () => {
    expect(measurementsOf({ 'input:100': { id: 100, percent: 37.5 } })).toEqual([
      { component: 'input', channel: 100, metric: 'percent', unit: '%', value: 37.5 },
    ]);
  });

  it('reports temperature, humidity, illuminance and voltmeter components', () => {
    expect(
      measurementsOf({
        'temperature:0': { id: 0, tC: 21.6, tF: 70.9 },
        'humidity:0': { id: 0, rh: 48.2 },
        'illuminance:0': { id: 0, lux: 312 },
        'voltmeter:100': { id: 100, voltage: 11.82 },
      }),
    ).toEqual([
      { component: 'temperature', channel: 0, metric: 'temperature', unit: 'C', value: 21.6 },
      { component: 'humidity', channel: 0, metric: 'humidity', unit: '%', value: 48.2 },
      { component: 'illuminance', channel: 0, metric: 'illuminance', unit: 'lx', value: 312 },
      { component: 'voltmeter', channel: 100, metric: 'voltage', unit: 'V', value: 11.82 },
    ]);
  });

  it('leaves out every reading of a sensor component that reports errors', () => {
    expect(
      measurementsOf({
        'temperature:0': { id: 0, tC: -275.15, tF: -463.2, errors: ['read'] },
        'humidity:0': { id: 0, rh: -2, errors: ['read'] },
        'illuminance:0': { id: 0, lux: 0, errors: ['out_of_range'] },
        'voltmeter:100': { id: 100, voltage: 0, errors: ['out_of_range'] },
        'temperature:1': { id: 1, tC: 21.5, tF: 70.7, errors: [] },
      }),
    ).toEqual([
      { component: 'temperature', channel: 1, metric: 'temperature', unit: 'C', value: 21.5 },
    ]);
  });

  it('leaves out a temperature that is out of range (null)', () => {
    expect(measurementsOf({ 'temperature:101': { id: 101, tC: null, tF: null } })).toEqual([]);
  });

  it('reports flood and smoke alarms as booleans', () => {
    expect(
      measurementsOf({
        'flood:0': { id: 0, alarm: true, mute: false },
        'smoke:0': { alarm: false },
      }),
    ).toEqual([
      { component: 'flood', channel: 0, metric: 'alarm', value: true },
      { component: 'smoke', channel: 0, metric: 'alarm', value: false },
    ]);
  });

  it('reports battery and external power from devicepower on the device component', () => {
    expect(
      measurementsOf({
        'devicepower:0': { id: 0, battery: { V: 5.91, percent: 84 }, external: { present: false } },
      }),
    ).toEqual([
      { component: 'device', channel: 0, metric: 'battery', unit: '%', value: 84 },
      { component: 'device', channel: 0, metric: 'battery_voltage', unit: 'V', value: 5.91 },
      { component: 'device', channel: 0, metric: 'external_power', value: false },
    ]);
  });

  it('reports the Wi-Fi signal as rssi of the device', () => {
    expect(measurementsOf({ wifi: { sta_ip: null, status: 'got ip', rssi: -74 } })).toEqual([
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -74 },
    ]);
  });

  it('captured Plus H&T: temperature, humidity and device power', () => {
    expect(fixtureMeasurements('gen2-plus-ht-status')).toEqual([
      { component: 'device', channel: 0, metric: 'battery', unit: '%', value: 73 },
      { component: 'device', channel: 0, metric: 'battery_voltage', unit: 'V', value: 5.46 },
      { component: 'device', channel: 0, metric: 'external_power', value: false },
      { component: 'humidity', channel: 0, metric: 'humidity', unit: '%', value: 57 },
      { component: 'temperature', channel: 0, metric: 'temperature', unit: 'C', value: 20.1 },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -47 },
    ]);
  });

  it('captured Wall Display: no readings from sensors that report errors, lux and the rest kept', () => {
    expect(fixtureMeasurements('gen2-wall-display-status')).toEqual([
      { component: 'illuminance', channel: 0, metric: 'illuminance', unit: 'lx', value: 120 },
      { component: 'switch', channel: 0, metric: 'output', value: true },
      { component: 'input', channel: 0, metric: 'state', value: false },
      { component: 'input', channel: 2, metric: 'state', value: true },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -48 },
      { component: 'device', channel: 0, metric: 'external_power', value: true },
    ]);
  });

  it('Plus Smoke: the smoke alarm and its battery', () => {
    expect(fixtureMeasurements('gen2-plus-smoke-status')).toEqual([
      { component: 'device', channel: 0, metric: 'battery', unit: '%', value: 100 },
      { component: 'device', channel: 0, metric: 'battery_voltage', unit: 'V', value: 3.04 },
      { component: 'device', channel: 0, metric: 'external_power', value: false },
      { component: 'smoke', channel: 0, metric: 'alarm', value: false },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -64 },
    ]);
  });

  it('flood:N: the alarm and the battery', () => {
    expect(fixtureMeasurements('gen2-flood-status')).toEqual([
      { component: 'device', channel: 0, metric: 'battery', unit: '%', value: 91 },
      { component: 'device', channel: 0, metric: 'battery_voltage', unit: 'V', value: 2.95 },
      { component: 'device', channel: 0, metric: 'external_power', value: false },
      { component: 'flood', channel: 0, metric: 'alarm', value: true },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -70 },
    ]);
  });

  it('Plus Uni: voltmeter, DS18B20 temperature (the failing probe left out) and digital inputs, no counter', () => {
    expect(fixtureMeasurements('gen2-plus-uni-status')).toEqual([
      { component: 'input', channel: 0, metric: 'state', value: true },
      { component: 'input', channel: 1, metric: 'state', value: false },
      { component: 'switch', channel: 0, metric: 'output', value: false },
      { component: 'switch', channel: 1, metric: 'output', value: true },
      { component: 'temperature', channel: 100, metric: 'temperature', unit: 'C', value: 21.4 },
      { component: 'voltmeter', channel: 100, metric: 'voltage', unit: 'V', value: 11.82 },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -62 },
    ]);
  });
});
