import { fixtureMeasurements, measurementsOf } from '../../test/fixtures/frames/frames';

describe('Gen2 energy meter status', () => {
  it('reports a three-phase em meter per phase and in total', () => {
    expect(
      measurementsOf({
        'em:0': {
          id: 0,
          a_current: 1.2,
          a_voltage: 231.1,
          a_act_power: 250.5,
          a_aprt_power: 275.2,
          a_pf: 0.91,
          a_freq: 50,
          b_current: 0.5,
          b_voltage: 229.8,
          b_act_power: -110.2,
          b_aprt_power: 115,
          b_pf: 0.96,
          b_freq: 50,
          c_current: 0,
          c_voltage: 230.4,
          c_act_power: 0,
          c_aprt_power: 0,
          c_pf: 1,
          c_freq: 50,
          n_current: null,
          total_current: 1.7,
          total_act_power: 140.3,
          total_aprt_power: 390.2,
          user_calibrated_phase: [],
        },
      }),
    ).toEqual([
      { component: 'em', channel: 0, phase: 'a', metric: 'power', unit: 'W', value: 250.5 },
      {
        component: 'em',
        channel: 0,
        phase: 'a',
        metric: 'apparent_power',
        unit: 'VA',
        value: 275.2,
      },
      { component: 'em', channel: 0, phase: 'a', metric: 'voltage', unit: 'V', value: 231.1 },
      { component: 'em', channel: 0, phase: 'a', metric: 'current', unit: 'A', value: 1.2 },
      { component: 'em', channel: 0, phase: 'a', metric: 'power_factor', value: 0.91 },
      { component: 'em', channel: 0, phase: 'a', metric: 'frequency', unit: 'Hz', value: 50 },
      { component: 'em', channel: 0, phase: 'b', metric: 'power', unit: 'W', value: -110.2 },
      { component: 'em', channel: 0, phase: 'b', metric: 'apparent_power', unit: 'VA', value: 115 },
      { component: 'em', channel: 0, phase: 'b', metric: 'voltage', unit: 'V', value: 229.8 },
      { component: 'em', channel: 0, phase: 'b', metric: 'current', unit: 'A', value: 0.5 },
      { component: 'em', channel: 0, phase: 'b', metric: 'power_factor', value: 0.96 },
      { component: 'em', channel: 0, phase: 'b', metric: 'frequency', unit: 'Hz', value: 50 },
      { component: 'em', channel: 0, phase: 'c', metric: 'power', unit: 'W', value: 0 },
      { component: 'em', channel: 0, phase: 'c', metric: 'apparent_power', unit: 'VA', value: 0 },
      { component: 'em', channel: 0, phase: 'c', metric: 'voltage', unit: 'V', value: 230.4 },
      { component: 'em', channel: 0, phase: 'c', metric: 'current', unit: 'A', value: 0 },
      { component: 'em', channel: 0, phase: 'c', metric: 'power_factor', value: 1 },
      { component: 'em', channel: 0, phase: 'c', metric: 'frequency', unit: 'Hz', value: 50 },
      { component: 'em', channel: 0, phase: 'total', metric: 'power', unit: 'W', value: 140.3 },
      {
        component: 'em',
        channel: 0,
        phase: 'total',
        metric: 'apparent_power',
        unit: 'VA',
        value: 390.2,
      },
      { component: 'em', channel: 0, phase: 'total', metric: 'current', unit: 'A', value: 1.7 },
    ]);
  });

  it('reports emdata energy counters per phase and in total, in Wh', () => {
    expect(
      measurementsOf({
        'emdata:0': {
          id: 0,
          a_total_act_energy: 12044.33,
          a_total_act_ret_energy: 10.5,
          b_total_act_energy: 8000.1,
          b_total_act_ret_energy: 4480.75,
          c_total_act_energy: 2301,
          c_total_act_ret_energy: 0,
          total_act: 22345.43,
          total_act_ret: 4491.25,
        },
      }),
    ).toEqual([
      { component: 'em', channel: 0, phase: 'a', metric: 'energy', unit: 'Wh', value: 12044.33 },
      {
        component: 'em',
        channel: 0,
        phase: 'a',
        metric: 'returned_energy',
        unit: 'Wh',
        value: 10.5,
      },
      { component: 'em', channel: 0, phase: 'b', metric: 'energy', unit: 'Wh', value: 8000.1 },
      {
        component: 'em',
        channel: 0,
        phase: 'b',
        metric: 'returned_energy',
        unit: 'Wh',
        value: 4480.75,
      },
      { component: 'em', channel: 0, phase: 'c', metric: 'energy', unit: 'Wh', value: 2301 },
      { component: 'em', channel: 0, phase: 'c', metric: 'returned_energy', unit: 'Wh', value: 0 },
      {
        component: 'em',
        channel: 0,
        phase: 'total',
        metric: 'energy',
        unit: 'Wh',
        value: 22345.43,
      },
      {
        component: 'em',
        channel: 0,
        phase: 'total',
        metric: 'returned_energy',
        unit: 'Wh',
        value: 4491.25,
      },
    ]);
  });

  it('reports single-phase em1 and em1data channels without a phase', () => {
    expect(
      measurementsOf({
        'em1:1': {
          id: 1,
          current: 2.1,
          voltage: 230,
          act_power: 480,
          aprt_power: 490,
          pf: 0.98,
          freq: 50,
        },
        'em1data:1': { id: 1, total_act_energy: 5120.5, total_act_ret_energy: 12 },
      }),
    ).toEqual([
      { component: 'em', channel: 1, metric: 'power', unit: 'W', value: 480 },
      { component: 'em', channel: 1, metric: 'apparent_power', unit: 'VA', value: 490 },
      { component: 'em', channel: 1, metric: 'voltage', unit: 'V', value: 230 },
      { component: 'em', channel: 1, metric: 'current', unit: 'A', value: 2.1 },
      { component: 'em', channel: 1, metric: 'power_factor', value: 0.98 },
      { component: 'em', channel: 1, metric: 'frequency', unit: 'Hz', value: 50 },
      { component: 'em', channel: 1, metric: 'energy', unit: 'Wh', value: 5120.5 },
      { component: 'em', channel: 1, metric: 'returned_energy', unit: 'Wh', value: 12 },
    ]);
  });

  it('reports a pm1 power meter on the pm component', () => {
    expect(
      measurementsOf({
        'pm1:0': {
          id: 0,
          voltage: 231.4,
          current: 0.84,
          apower: -190.1,
          freq: 49.98,
          aenergy: { total: 300.25, by_minute: [0, 0, 0], minute_ts: 1740910440 },
          ret_aenergy: { total: 1204.5, by_minute: [3100, 3150, 3170], minute_ts: 1740910440 },
        },
      }),
    ).toEqual([
      { component: 'pm', channel: 0, metric: 'power', unit: 'W', value: -190.1 },
      { component: 'pm', channel: 0, metric: 'voltage', unit: 'V', value: 231.4 },
      { component: 'pm', channel: 0, metric: 'current', unit: 'A', value: 0.84 },
      { component: 'pm', channel: 0, metric: 'frequency', unit: 'Hz', value: 49.98 },
      { component: 'pm', channel: 0, metric: 'energy', unit: 'Wh', value: 300.25 },
      { component: 'pm', channel: 0, metric: 'returned_energy', unit: 'Wh', value: 1204.5 },
    ]);
  });

  it('reports only the phases a partial em update carries', () => {
    expect(measurementsOf({ 'em:0': { b_act_power: 12.5, b_current: null } })).toEqual([
      { component: 'em', channel: 0, phase: 'b', metric: 'power', unit: 'W', value: 12.5 },
    ]);
  });

  it('captured Pro 3EM: per-phase and total readings, energy counters and the temperature component', () => {
    expect(fixtureMeasurements('gen2-pro3em-status')).toEqual([
      { component: 'em', channel: 0, phase: 'a', metric: 'power', unit: 'W', value: 2166.2 },
      {
        component: 'em',
        channel: 0,
        phase: 'a',
        metric: 'apparent_power',
        unit: 'VA',
        value: 2175.9,
      },
      { component: 'em', channel: 0, phase: 'a', metric: 'voltage', unit: 'V', value: 227 },
      { component: 'em', channel: 0, phase: 'a', metric: 'current', unit: 'A', value: 9.592 },
      { component: 'em', channel: 0, phase: 'a', metric: 'power_factor', value: 0.99 },
      { component: 'em', channel: 0, phase: 'a', metric: 'frequency', unit: 'Hz', value: 49.9 },
      { component: 'em', channel: 0, phase: 'b', metric: 'power', unit: 'W', value: 3.6 },
      {
        component: 'em',
        channel: 0,
        phase: 'b',
        metric: 'apparent_power',
        unit: 'VA',
        value: 10.1,
      },
      { component: 'em', channel: 0, phase: 'b', metric: 'voltage', unit: 'V', value: 230 },
      { component: 'em', channel: 0, phase: 'b', metric: 'current', unit: 'A', value: 0.044 },
      { component: 'em', channel: 0, phase: 'b', metric: 'power_factor', value: 0.36 },
      { component: 'em', channel: 0, phase: 'b', metric: 'frequency', unit: 'Hz', value: 49.9 },
      { component: 'em', channel: 0, phase: 'c', metric: 'power', unit: 'W', value: 244 },
      {
        component: 'em',
        channel: 0,
        phase: 'c',
        metric: 'apparent_power',
        unit: 'VA',
        value: 339.7,
      },
      { component: 'em', channel: 0, phase: 'c', metric: 'voltage', unit: 'V', value: 230.2 },
      { component: 'em', channel: 0, phase: 'c', metric: 'current', unit: 'A', value: 1.479 },
      { component: 'em', channel: 0, phase: 'c', metric: 'power_factor', value: 0.72 },
      { component: 'em', channel: 0, phase: 'c', metric: 'frequency', unit: 'Hz', value: 49.9 },
      { component: 'em', channel: 0, phase: 'total', metric: 'power', unit: 'W', value: 2413.825 },
      {
        component: 'em',
        channel: 0,
        phase: 'total',
        metric: 'apparent_power',
        unit: 'VA',
        value: 2525.779,
      },
      { component: 'em', channel: 0, phase: 'total', metric: 'current', unit: 'A', value: 11.116 },
      { component: 'em', channel: 0, phase: 'a', metric: 'energy', unit: 'Wh', value: 3105576.42 },
      { component: 'em', channel: 0, phase: 'a', metric: 'returned_energy', unit: 'Wh', value: 0 },
      { component: 'em', channel: 0, phase: 'b', metric: 'energy', unit: 'Wh', value: 195765.72 },
      { component: 'em', channel: 0, phase: 'b', metric: 'returned_energy', unit: 'Wh', value: 0 },
      { component: 'em', channel: 0, phase: 'c', metric: 'energy', unit: 'Wh', value: 2114072.05 },
      { component: 'em', channel: 0, phase: 'c', metric: 'returned_energy', unit: 'Wh', value: 0 },
      {
        component: 'em',
        channel: 0,
        phase: 'total',
        metric: 'energy',
        unit: 'Wh',
        value: 5415414.19,
      },
      {
        component: 'em',
        channel: 0,
        phase: 'total',
        metric: 'returned_energy',
        unit: 'Wh',
        value: 0,
      },
      { component: 'temperature', channel: 0, metric: 'temperature', unit: 'C', value: 46.3 },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -57 },
    ]);
  });

  it('Pro EM-50: em1 and em1data on em without a phase, beside the contactor switch', () => {
    expect(fixtureMeasurements('gen2-pro-em-status')).toEqual([
      { component: 'em', channel: 0, metric: 'power', unit: 'W', value: 0 },
      { component: 'em', channel: 0, metric: 'apparent_power', unit: 'VA', value: 18.7 },
      { component: 'em', channel: 0, metric: 'voltage', unit: 'V', value: 234.9 },
      { component: 'em', channel: 0, metric: 'current', unit: 'A', value: 0.08 },
      { component: 'em', channel: 0, metric: 'power_factor', value: 0 },
      { component: 'em', channel: 0, metric: 'frequency', unit: 'Hz', value: 50 },
      { component: 'em', channel: 1, metric: 'power', unit: 'W', value: 501.8 },
      { component: 'em', channel: 1, metric: 'apparent_power', unit: 'VA', value: 612.4 },
      { component: 'em', channel: 1, metric: 'voltage', unit: 'V', value: 234.9 },
      { component: 'em', channel: 1, metric: 'current', unit: 'A', value: 2.598 },
      { component: 'em', channel: 1, metric: 'power_factor', value: 0.84 },
      { component: 'em', channel: 1, metric: 'frequency', unit: 'Hz', value: 50 },
      { component: 'em', channel: 0, metric: 'energy', unit: 'Wh', value: 1312.57 },
      { component: 'em', channel: 0, metric: 'returned_energy', unit: 'Wh', value: 0 },
      { component: 'em', channel: 1, metric: 'energy', unit: 'Wh', value: 884120.44 },
      { component: 'em', channel: 1, metric: 'returned_energy', unit: 'Wh', value: 1532.08 },
      { component: 'switch', channel: 0, metric: 'output', value: true },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -61 },
    ]);
  });

  it('PM Mini Gen3: pm1 on pm, export kept negative and its returned energy', () => {
    expect(fixtureMeasurements('gen3-pm-mini-status')).toEqual([
      { component: 'pm', channel: 0, metric: 'power', unit: 'W', value: -61.4 },
      { component: 'pm', channel: 0, metric: 'voltage', unit: 'V', value: 229.1 },
      { component: 'pm', channel: 0, metric: 'current', unit: 'A', value: 0.312 },
      { component: 'pm', channel: 0, metric: 'power_factor', value: 0.86 },
      { component: 'pm', channel: 0, metric: 'frequency', unit: 'Hz', value: 50 },
      { component: 'pm', channel: 0, metric: 'energy', unit: 'Wh', value: 1208.33 },
      { component: 'pm', channel: 0, metric: 'returned_energy', unit: 'Wh', value: 3410.9 },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -66 },
    ]);
  });
});
