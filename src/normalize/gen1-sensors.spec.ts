import { fixtureMeasurements, measurementsOf } from '../../test/fixtures/frames/frames';

describe('Gen1 battery sensors', () => {
  it('reports temperature, humidity and battery of an H&T on channel 0', () => {
    expect(
      measurementsOf({
        tmp: { value: 22.5, units: 'C', tC: 22.5, tF: 72.5, is_valid: true },
        hum: { value: 53, is_valid: true },
        bat: { value: 91, voltage: 2.96 },
        act_reasons: ['sensor'],
      }),
    ).toEqual([
      { component: 'temperature', channel: 0, metric: 'temperature', unit: 'C', value: 22.5 },
      { component: 'humidity', channel: 0, metric: 'humidity', unit: '%', value: 53 },
      { component: 'device', channel: 0, metric: 'battery', unit: '%', value: 91 },
      { component: 'device', channel: 0, metric: 'battery_voltage', unit: 'V', value: 2.96 },
    ]);
  });

  it('converts a sensor temperature given only in Fahrenheit', () => {
    expect(measurementsOf({ tmp: { value: 71.6, units: 'F', is_valid: true } })).toEqual([
      { component: 'temperature', channel: 0, metric: 'temperature', unit: 'C', value: 22 },
    ]);
  });

  it('leaves out readings marked invalid', () => {
    expect(
      measurementsOf({
        tmp: { value: 0, units: 'C', tC: 0, tF: 32, is_valid: false },
        hum: { value: 0, is_valid: false },
        lux: { value: 0, illumination: 'dark', is_valid: false },
      }),
    ).toEqual([]);
  });

  it('reports a flood sensor alarm', () => {
    expect(
      measurementsOf({ flood: true, tmp: { value: 18.25, units: 'C', is_valid: 'true' } }),
    ).toEqual([
      { component: 'flood', channel: 0, metric: 'alarm', value: true },
      { component: 'temperature', channel: 0, metric: 'temperature', unit: 'C', value: 18.25 },
    ]);
  });

  it('reports a smoke sensor alarm', () => {
    expect(measurementsOf({ smoke: false, bat: { value: 100 } })).toEqual([
      { component: 'smoke', channel: 0, metric: 'alarm', value: false },
      { component: 'device', channel: 0, metric: 'battery', unit: '%', value: 100 },
    ]);
  });

  it('reports a door/window sensor as open, tilt, vibration and illuminance', () => {
    expect(
      measurementsOf({
        sensor: { state: 'open', is_valid: true },
        lux: { value: 51, illumination: 'twilight', is_valid: true },
        accel: { tilt: 12, vibration: 1 },
      }),
    ).toEqual([
      { component: 'contact', channel: 0, metric: 'open', value: true },
      { component: 'illuminance', channel: 0, metric: 'illuminance', unit: 'lx', value: 51 },
      { component: 'contact', channel: 0, metric: 'tilt', unit: 'deg', value: 12 },
      { component: 'contact', channel: 0, metric: 'vibration', value: true },
    ]);
  });

  it('reads a closed door as open false', () => {
    expect(measurementsOf({ sensor: { state: 'close', is_valid: true } })).toEqual([
      { component: 'contact', channel: 0, metric: 'open', value: false },
    ]);
  });

  it('leaves out tilt and vibration of an uncalibrated accelerometer (-1)', () => {
    expect(measurementsOf({ accel: { tilt: -1, vibration: -1 } })).toEqual([]);
  });

  it('leaves out a door state marked invalid', () => {
    expect(measurementsOf({ sensor: { state: 'open', is_valid: false } })).toEqual([]);
  });

  it('reports a motion sensor with its tamper vibration', () => {
    expect(
      measurementsOf({
        sensor: {
          motion: true,
          vibration: false,
          timestamp: 1740910100,
          active: true,
          is_valid: true,
        },
      }),
    ).toEqual([
      { component: 'motion', channel: 0, metric: 'motion', value: true },
      { component: 'motion', channel: 0, metric: 'vibration', value: false },
    ]);
  });

  it('reports a top-level motion flag', () => {
    expect(measurementsOf({ motion: false })).toEqual([
      { component: 'motion', channel: 0, metric: 'motion', value: false },
    ]);
  });

  it('H&T status: temperature, humidity, battery and Wi-Fi signal', () => {
    expect(fixtureMeasurements('gen1-ht-status')).toEqual([
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -72 },
      { component: 'temperature', channel: 0, metric: 'temperature', unit: 'C', value: 22.63 },
      { component: 'humidity', channel: 0, metric: 'humidity', unit: '%', value: 47.5 },
      { component: 'device', channel: 0, metric: 'battery', unit: '%', value: 86 },
      { component: 'device', channel: 0, metric: 'battery_voltage', unit: 'V', value: 2.94 },
    ]);
  });

  it('captured Shelly Flood: alarm, temperature and battery', () => {
    expect(fixtureMeasurements('gen1-flood-status')).toEqual([
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -88 },
      { component: 'flood', channel: 0, metric: 'alarm', value: false },
      { component: 'temperature', channel: 0, metric: 'temperature', unit: 'C', value: 21.62 },
      { component: 'device', channel: 0, metric: 'battery', unit: '%', value: 95 },
      { component: 'device', channel: 0, metric: 'battery_voltage', unit: 'V', value: 2.92 },
    ]);
  });

  it('Door/Window 2 status: open, lux, vibration, no tilt while uncalibrated (-1)', () => {
    expect(fixtureMeasurements('gen1-door-window-status')).toEqual([
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -67 },
      { component: 'contact', channel: 0, metric: 'open', value: true },
      { component: 'illuminance', channel: 0, metric: 'illuminance', unit: 'lx', value: 52 },
      { component: 'contact', channel: 0, metric: 'vibration', value: false },
      { component: 'temperature', channel: 0, metric: 'temperature', unit: 'C', value: 19.4 },
      { component: 'device', channel: 0, metric: 'battery', unit: '%', value: 98 },
      { component: 'device', channel: 0, metric: 'battery_voltage', unit: 'V', value: 5.96 },
    ]);
  });

  it('Motion status: motion, tamper vibration, lux and battery', () => {
    expect(fixtureMeasurements('gen1-motion-status')).toEqual([
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -58 },
      { component: 'illuminance', channel: 0, metric: 'illuminance', unit: 'lx', value: 18 },
      { component: 'motion', channel: 0, metric: 'motion', value: true },
      { component: 'motion', channel: 0, metric: 'vibration', value: false },
      { component: 'device', channel: 0, metric: 'battery', unit: '%', value: 100 },
      { component: 'device', channel: 0, metric: 'battery_voltage', unit: 'V', value: 4.18 },
    ]);
  });
});
