import { fixtureMeasurements, measurementsOf } from '../../test/fixtures/frames/frames';

describe('Gen2 cover status', () => {
  it('reports state, position and metering', () => {
    expect(
      measurementsOf({
        'cover:0': {
          id: 0,
          source: 'WS_in',
          state: 'opening',
          apower: 85.3,
          voltage: 230.1,
          current: 0.45,
          pf: 0.82,
          freq: 50,
          aenergy: { total: 3.5, by_minute: [12, 0, 0], minute_ts: 1740910440 },
          temperature: { tC: 38.2, tF: 100.8 },
          pos_control: true,
          current_pos: 42,
          target_pos: 100,
          last_direction: 'open',
        },
      }),
    ).toEqual([
      { component: 'cover', channel: 0, metric: 'state', value: 'opening' },
      { component: 'cover', channel: 0, metric: 'position', unit: '%', value: 42 },
      { component: 'cover', channel: 0, metric: 'power', unit: 'W', value: 85.3 },
      { component: 'cover', channel: 0, metric: 'voltage', unit: 'V', value: 230.1 },
      { component: 'cover', channel: 0, metric: 'current', unit: 'A', value: 0.45 },
      { component: 'cover', channel: 0, metric: 'power_factor', value: 0.82 },
      { component: 'cover', channel: 0, metric: 'frequency', unit: 'Hz', value: 50 },
      { component: 'cover', channel: 0, metric: 'energy', unit: 'Wh', value: 3.5 },
      { component: 'cover', channel: 0, metric: 'temperature', unit: 'C', value: 38.2 },
    ]);
  });

  it.each(['open', 'closed', 'opening', 'closing', 'stopped', 'calibrating'])(
    'passes the state %s through',
    (state) => {
      expect(measurementsOf({ 'cover:1': { state } })).toEqual([
        { component: 'cover', channel: 1, metric: 'state', value: state },
      ]);
    },
  );

  it('leaves out a state outside the vocabulary', () => {
    expect(measurementsOf({ 'cover:0': { state: 'jammed' } })).toEqual([]);
  });

  it('leaves out the position of an uncalibrated cover', () => {
    expect(measurementsOf({ 'cover:0': { pos_control: false, current_pos: 0 } })).toEqual([]);
  });

  it('leaves out the position while calibrating', () => {
    expect(measurementsOf({ 'cover:0': { state: 'calibrating', current_pos: 50 } })).toEqual([
      { component: 'cover', channel: 0, metric: 'state', value: 'calibrating' },
    ]);
  });

  it.each([null, -1, 101, '50'])('leaves out the position %p', (position) => {
    expect(measurementsOf({ 'cover:0': { current_pos: position } })).toEqual([]);
  });

  it('keeps the end positions 0 and 100', () => {
    expect(
      measurementsOf({ 'cover:0': { current_pos: 0 }, 'cover:1': { current_pos: 100 } }),
    ).toEqual([
      { component: 'cover', channel: 0, metric: 'position', unit: '%', value: 0 },
      { component: 'cover', channel: 1, metric: 'position', unit: '%', value: 100 },
    ]);
  });

  it('captured 2PM Gen3 in cover profile: no position while pos_control is false', () => {
    expect(fixtureMeasurements('gen3-2pm-cover-status')).toEqual([
      { component: 'cover', channel: 0, metric: 'state', value: 'stopped' },
      { component: 'cover', channel: 0, metric: 'power', unit: 'W', value: 0 },
      { component: 'cover', channel: 0, metric: 'voltage', unit: 'V', value: 217.7 },
      { component: 'cover', channel: 0, metric: 'current', unit: 'A', value: 0 },
      { component: 'cover', channel: 0, metric: 'power_factor', value: 0 },
      { component: 'cover', channel: 0, metric: 'frequency', unit: 'Hz', value: 50 },
      { component: 'cover', channel: 0, metric: 'energy', unit: 'Wh', value: 0 },
      { component: 'cover', channel: 0, metric: 'temperature', unit: 'C', value: 36.4 },
      { component: 'input', channel: 0, metric: 'state', value: false },
      { component: 'input', channel: 1, metric: 'state', value: false },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -53 },
    ]);
  });
});
