import { measurementsOf } from '../../test/fixtures/frames/frames';

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
});
