import { fixtureMeasurements, measurementsOf } from '../../test/fixtures/frames/frames';

describe('Gen1 TRV thermostats', () => {
  it('reports measured and target temperature and valve position', () => {
    expect(
      measurementsOf({
        thermostats: [
          {
            pos: 38.5,
            target_t: { enabled: true, value: 21.5, value_op: 8, units: 'C' },
            tmp: { value: 19.9, units: 'C', is_valid: true },
            schedule: false,
            boost_minutes: 0,
            window_open: false,
          },
        ],
        bat: { value: 76, voltage: 3.71 },
      }),
    ).toEqual([
      { component: 'trv', channel: 0, metric: 'temperature', unit: 'C', value: 19.9 },
      { component: 'trv', channel: 0, metric: 'target_temperature', unit: 'C', value: 21.5 },
      { component: 'trv', channel: 0, metric: 'position', unit: '%', value: 38.5 },
      { component: 'device', channel: 0, metric: 'battery', unit: '%', value: 76 },
      { component: 'device', channel: 0, metric: 'battery_voltage', unit: 'V', value: 3.71 },
    ]);
  });

  it('converts Fahrenheit readings and leaves out an invalid measurement', () => {
    expect(
      measurementsOf({
        thermostats: [
          {
            target_t: { enabled: true, value: 68, units: 'F' },
            tmp: { value: 0, units: 'F', is_valid: false },
          },
        ],
      }),
    ).toEqual([
      { component: 'trv', channel: 0, metric: 'target_temperature', unit: 'C', value: 20 },
    ]);
  });

  it('leaves out a valve position outside 0..100', () => {
    expect(measurementsOf({ thermostats: [{ pos: -1 }] })).toEqual([]);
  });

  it('TRV status: measured and target temperature, valve position and battery', () => {
    expect(fixtureMeasurements('gen1-trv-status')).toEqual([
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -71 },
      { component: 'trv', channel: 0, metric: 'temperature', unit: 'C', value: 19.8 },
      { component: 'trv', channel: 0, metric: 'target_temperature', unit: 'C', value: 21.5 },
      { component: 'trv', channel: 0, metric: 'position', unit: '%', value: 38 },
      { component: 'device', channel: 0, metric: 'battery', unit: '%', value: 76 },
      { component: 'device', channel: 0, metric: 'battery_voltage', unit: 'V', value: 3.79 },
    ]);
  });
});
