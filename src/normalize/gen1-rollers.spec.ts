import { fixtureMeasurements, measurementsOf } from '../../test/fixtures/frames/frames';

describe('Gen1 rollers', () => {
  it('reports state, power and position of a calibrated roller', () => {
    expect(
      measurementsOf({
        rollers: [
          {
            state: 'open',
            source: 'cloud',
            power: 92.4,
            is_valid: true,
            safety_switch: false,
            overtemperature: false,
            stop_reason: 'normal',
            last_direction: 'open',
            current_pos: 35,
            calibrating: false,
            positioning: true,
          },
        ],
      }),
    ).toEqual([
      { component: 'cover', channel: 0, metric: 'state', value: 'opening' },
      { component: 'cover', channel: 0, metric: 'power', unit: 'W', value: 92.4 },
      { component: 'cover', channel: 0, metric: 'position', unit: '%', value: 35 },
    ]);
  });

  it.each([
    ['open', 'opening'],
    ['close', 'closing'],
    ['stop', 'stopped'],
  ])('maps the Gen1 state %s to %s', (gen1State, state) => {
    expect(measurementsOf({ rollers: [{ state: gen1State }] })).toEqual([
      { component: 'cover', channel: 0, metric: 'state', value: state },
    ]);
  });

  it('reports calibrating, and no position, while the roller calibrates', () => {
    expect(
      measurementsOf({ rollers: [{ state: 'open', calibrating: true, current_pos: 50 }] }),
    ).toEqual([{ component: 'cover', channel: 0, metric: 'state', value: 'calibrating' }]);
  });

  it('leaves out the position of a roller that cannot position', () => {
    expect(
      measurementsOf({ rollers: [{ state: 'stop', positioning: false, current_pos: 0 }] }),
    ).toEqual([{ component: 'cover', channel: 0, metric: 'state', value: 'stopped' }]);
  });

  it.each([-1, 101])('leaves out the position %p, outside 0..100', (position) => {
    expect(measurementsOf({ rollers: [{ current_pos: position }] })).toEqual([]);
  });

  it('leaves out only the power when the roller marks its reading invalid', () => {
    expect(
      measurementsOf({ rollers: [{ state: 'close', power: 0, is_valid: false, current_pos: 80 }] }),
    ).toEqual([
      { component: 'cover', channel: 0, metric: 'state', value: 'closing' },
      { component: 'cover', channel: 0, metric: 'position', unit: '%', value: 80 },
    ]);
  });

  it('leaves out an unknown state', () => {
    expect(measurementsOf({ rollers: [{ state: 'up' }] })).toEqual([]);
  });

  it('captured Shelly 2 in roller mode: state and power, no position while uncalibrated (101), and no relays or meters as switches', () => {
    expect(fixtureMeasurements('gen1-roller-uncalibrated-status')).toEqual([
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -69 },
      { component: 'cover', channel: 0, metric: 'state', value: 'stopped' },
      { component: 'cover', channel: 0, metric: 'power', unit: 'W', value: 0 },
    ]);
  });

  it('reports the relays of a device that has no rollers', () => {
    expect(measurementsOf({ relays: [{ ison: true }], rollers: [] })).toEqual([
      { component: 'switch', channel: 0, metric: 'output', value: true },
    ]);
  });
});
