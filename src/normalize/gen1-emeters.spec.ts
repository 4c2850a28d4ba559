import { fixtureMeasurements, measurementsOf } from '../../test/fixtures/frames/frames';

describe('Gen1 EM and 3EM meters', () => {
  it('reports each emeter on its array index with totals already in Wh', () => {
    expect(
      measurementsOf({
        emeters: [
          {
            power: 1210.3,
            reactive: -112.4,
            pf: 0.97,
            voltage: 229.6,
            current: 5.3,
            is_valid: true,
            total: 84321.4,
            total_returned: 1204.2,
          },
          { power: -350, pf: -0.9, voltage: 230.1, current: 1.7, is_valid: 'true', total: 12 },
        ],
        total_power: 860.3,
      }),
    ).toEqual([
      { component: 'em', channel: 0, metric: 'power', unit: 'W', value: 1210.3 },
      { component: 'em', channel: 0, metric: 'reactive_power', unit: 'var', value: -112.4 },
      { component: 'em', channel: 0, metric: 'power_factor', value: 0.97 },
      { component: 'em', channel: 0, metric: 'voltage', unit: 'V', value: 229.6 },
      { component: 'em', channel: 0, metric: 'current', unit: 'A', value: 5.3 },
      { component: 'em', channel: 0, metric: 'energy', unit: 'Wh', value: 84321.4 },
      { component: 'em', channel: 0, metric: 'returned_energy', unit: 'Wh', value: 1204.2 },
      { component: 'em', channel: 1, metric: 'power', unit: 'W', value: -350 },
      { component: 'em', channel: 1, metric: 'power_factor', value: -0.9 },
      { component: 'em', channel: 1, metric: 'voltage', unit: 'V', value: 230.1 },
      { component: 'em', channel: 1, metric: 'current', unit: 'A', value: 1.7 },
      { component: 'em', channel: 1, metric: 'energy', unit: 'Wh', value: 12 },
    ]);
  });

  it('leaves out an emeter marked invalid', () => {
    expect(
      measurementsOf({ emeters: [{ power: 0, voltage: 0, is_valid: false, total: 5 }] }),
    ).toEqual([]);
  });

  it('captured Shelly EM: the relay and two emeters with reactive power and returned energy', () => {
    expect(fixtureMeasurements('gen1-em-status')).toEqual([
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -54 },
      { component: 'switch', channel: 0, metric: 'output', value: true },
      { component: 'em', channel: 0, metric: 'power', unit: 'W', value: 98.55 },
      { component: 'em', channel: 0, metric: 'reactive_power', unit: 'var', value: -159.32 },
      { component: 'em', channel: 0, metric: 'voltage', unit: 'V', value: 239.38 },
      { component: 'em', channel: 0, metric: 'energy', unit: 'Wh', value: 9188.8 },
      { component: 'em', channel: 0, metric: 'returned_energy', unit: 'Wh', value: 16477 },
      { component: 'em', channel: 1, metric: 'power', unit: 'W', value: 0 },
      { component: 'em', channel: 1, metric: 'reactive_power', unit: 'var', value: 0 },
      { component: 'em', channel: 1, metric: 'voltage', unit: 'V', value: 239.38 },
      { component: 'em', channel: 1, metric: 'energy', unit: 'Wh', value: 0 },
      { component: 'em', channel: 1, metric: 'returned_energy', unit: 'Wh', value: 0 },
    ]);
  });

  it('3EM status: three emeters on channels 0..2, total_power not repeated', () => {
    expect(fixtureMeasurements('gen1-3em-status')).toEqual([
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -63 },
      { component: 'switch', channel: 0, metric: 'output', value: false },
      { component: 'em', channel: 0, metric: 'power', unit: 'W', value: 197.77 },
      { component: 'em', channel: 0, metric: 'power_factor', value: 0.74 },
      { component: 'em', channel: 0, metric: 'voltage', unit: 'V', value: 236.27 },
      { component: 'em', channel: 0, metric: 'current', unit: 'A', value: 1.14 },
      { component: 'em', channel: 0, metric: 'energy', unit: 'Wh', value: 1184633.1 },
      { component: 'em', channel: 0, metric: 'returned_energy', unit: 'Wh', value: 1158.3 },
      { component: 'em', channel: 1, metric: 'power', unit: 'W', value: 21.34 },
      { component: 'em', channel: 1, metric: 'power_factor', value: 0.31 },
      { component: 'em', channel: 1, metric: 'voltage', unit: 'V', value: 235.44 },
      { component: 'em', channel: 1, metric: 'current', unit: 'A', value: 0.3 },
      { component: 'em', channel: 1, metric: 'energy', unit: 'Wh', value: 331873.1 },
      { component: 'em', channel: 1, metric: 'returned_energy', unit: 'Wh', value: 487.7 },
      { component: 'em', channel: 2, metric: 'power', unit: 'W', value: 8.83 },
      { component: 'em', channel: 2, metric: 'power_factor', value: 0.24 },
      { component: 'em', channel: 2, metric: 'voltage', unit: 'V', value: 235.13 },
      { component: 'em', channel: 2, metric: 'current', unit: 'A', value: 0.15 },
      { component: 'em', channel: 2, metric: 'energy', unit: 'Wh', value: 349600.5 },
      { component: 'em', channel: 2, metric: 'returned_energy', unit: 'Wh', value: 293.7 },
    ]);
  });
});
