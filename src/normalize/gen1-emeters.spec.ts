import { measurementsOf } from '../../test/fixtures/frames/frames';

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
});
