import { fixtureMeasurements, measurementsOf } from '../../test/fixtures/frames/frames';

describe('Gen2 light status', () => {
  it('keeps rgb:0 and cct:0 of a Pro RGBWW PM in its rgbcct profile apart, as rgb and cct', () => {
    const lights = fixtureMeasurements('gen2-pro-rgbww-rgbcct-status').filter(
      (m) => m.component === 'rgb' || m.component === 'cct',
    );

    expect(lights).toEqual([
      { component: 'rgb', channel: 0, metric: 'output', value: true },
      { component: 'rgb', channel: 0, metric: 'brightness', unit: '%', value: 80 },
      { component: 'rgb', channel: 0, metric: 'red', value: 255 },
      { component: 'rgb', channel: 0, metric: 'green', value: 96 },
      { component: 'rgb', channel: 0, metric: 'blue', value: 0 },
      { component: 'rgb', channel: 0, metric: 'power', unit: 'W', value: 6.2 },
      { component: 'rgb', channel: 0, metric: 'voltage', unit: 'V', value: 24.1 },
      { component: 'rgb', channel: 0, metric: 'current', unit: 'A', value: 0.258 },
      { component: 'rgb', channel: 0, metric: 'energy', unit: 'Wh', value: 311.245 },
      { component: 'rgb', channel: 0, metric: 'temperature', unit: 'C', value: 43.8 },
      { component: 'cct', channel: 0, metric: 'output', value: false },
      { component: 'cct', channel: 0, metric: 'brightness', unit: '%', value: 40 },
      { component: 'cct', channel: 0, metric: 'color_temp', unit: 'K', value: 3600 },
      { component: 'cct', channel: 0, metric: 'power', unit: 'W', value: 0 },
      { component: 'cct', channel: 0, metric: 'voltage', unit: 'V', value: 24.1 },
      { component: 'cct', channel: 0, metric: 'current', unit: 'A', value: 0 },
      { component: 'cct', channel: 0, metric: 'energy', unit: 'Wh', value: 52.07 },
      { component: 'cct', channel: 0, metric: 'temperature', unit: 'C', value: 43.8 },
    ]);
  });

  it('reports a dimmer light with its metering', () => {
    expect(
      measurementsOf({
        'light:1': {
          id: 1,
          source: 'init',
          output: true,
          brightness: 60,
          apower: 12.4,
          voltage: 229.8,
          current: 0.06,
          aenergy: { total: 88.2, by_minute: [0, 0, 0], minute_ts: 1740910440 },
          temperature: { tC: 41.3, tF: 106.3 },
        },
      }),
    ).toEqual([
      { component: 'light', channel: 1, metric: 'output', value: true },
      { component: 'light', channel: 1, metric: 'brightness', unit: '%', value: 60 },
      { component: 'light', channel: 1, metric: 'power', unit: 'W', value: 12.4 },
      { component: 'light', channel: 1, metric: 'voltage', unit: 'V', value: 229.8 },
      { component: 'light', channel: 1, metric: 'current', unit: 'A', value: 0.06 },
      { component: 'light', channel: 1, metric: 'energy', unit: 'Wh', value: 88.2 },
      { component: 'light', channel: 1, metric: 'temperature', unit: 'C', value: 41.3 },
    ]);
  });

  it('splits the rgb array of an rgbw light into red, green and blue', () => {
    expect(
      measurementsOf({
        'rgbw:0': { id: 0, output: true, brightness: 80, rgb: [255, 120, 0], white: 30 },
      }),
    ).toEqual([
      { component: 'rgbw', channel: 0, metric: 'output', value: true },
      { component: 'rgbw', channel: 0, metric: 'brightness', unit: '%', value: 80 },
      { component: 'rgbw', channel: 0, metric: 'red', value: 255 },
      { component: 'rgbw', channel: 0, metric: 'green', value: 120 },
      { component: 'rgbw', channel: 0, metric: 'blue', value: 0 },
      { component: 'rgbw', channel: 0, metric: 'white', value: 30 },
    ]);
  });

  it('reports an rgb light on the rgb component', () => {
    expect(measurementsOf({ 'rgb:0': { output: false, rgb: [1, 2, 3] } })).toEqual([
      { component: 'rgb', channel: 0, metric: 'output', value: false },
      { component: 'rgb', channel: 0, metric: 'red', value: 1 },
      { component: 'rgb', channel: 0, metric: 'green', value: 2 },
      { component: 'rgb', channel: 0, metric: 'blue', value: 3 },
    ]);
  });

  it('gives light, rgb, rgbw and cct with one id a component each', () => {
    const components = measurementsOf({
      'light:0': { output: true },
      'rgb:0': { output: true },
      'rgbw:0': { output: true },
      'cct:0': { output: true },
    }).map((m) => `${m.component}/${m.channel}`);

    expect(components).toEqual(['light/0', 'rgb/0', 'rgbw/0', 'cct/0']);
  });

  it('reports a cct light on cct, its colour temperature in kelvin', () => {
    expect(measurementsOf({ 'cct:0': { output: true, brightness: 35, ct: 4000 } })).toEqual([
      { component: 'cct', channel: 0, metric: 'output', value: true },
      { component: 'cct', channel: 0, metric: 'brightness', unit: '%', value: 35 },
      { component: 'cct', channel: 0, metric: 'color_temp', unit: 'K', value: 4000 },
    ]);
  });

  it('skips rgb entries that are not numbers', () => {
    expect(measurementsOf({ 'rgb:0': { rgb: [10, null] } })).toEqual([
      { component: 'rgb', channel: 0, metric: 'red', value: 10 },
    ]);
  });

  it('keeps rgb:0 apart from light:0 and light:1 of a Pro RGBWW PM in its rgbx2light profile', () => {
    expect(fixtureMeasurements('gen2-pro-rgbww-rgbx2light-status')).toEqual([
      { component: 'input', channel: 0, metric: 'state', value: false },
      { component: 'input', channel: 1, metric: 'state', value: false },
      { component: 'input', channel: 2, metric: 'state', value: true },
      { component: 'input', channel: 3, metric: 'state', value: false },
      { component: 'input', channel: 4, metric: 'state', value: false },
      { component: 'light', channel: 0, metric: 'output', value: true },
      { component: 'light', channel: 0, metric: 'brightness', unit: '%', value: 70 },
      { component: 'light', channel: 0, metric: 'power', unit: 'W', value: 3.7 },
      { component: 'light', channel: 0, metric: 'voltage', unit: 'V', value: 24.1 },
      { component: 'light', channel: 0, metric: 'current', unit: 'A', value: 0.154 },
      { component: 'light', channel: 0, metric: 'energy', unit: 'Wh', value: 18.904 },
      { component: 'light', channel: 0, metric: 'temperature', unit: 'C', value: 41.7 },
      { component: 'light', channel: 1, metric: 'output', value: false },
      { component: 'light', channel: 1, metric: 'brightness', unit: '%', value: 100 },
      { component: 'light', channel: 1, metric: 'power', unit: 'W', value: 0 },
      { component: 'light', channel: 1, metric: 'voltage', unit: 'V', value: 24.1 },
      { component: 'light', channel: 1, metric: 'current', unit: 'A', value: 0 },
      { component: 'light', channel: 1, metric: 'energy', unit: 'Wh', value: 2.311 },
      { component: 'light', channel: 1, metric: 'temperature', unit: 'C', value: 41.7 },
      { component: 'rgb', channel: 0, metric: 'output', value: true },
      { component: 'rgb', channel: 0, metric: 'brightness', unit: '%', value: 45 },
      { component: 'rgb', channel: 0, metric: 'red', value: 0 },
      { component: 'rgb', channel: 0, metric: 'green', value: 120 },
      { component: 'rgb', channel: 0, metric: 'blue', value: 255 },
      { component: 'rgb', channel: 0, metric: 'power', unit: 'W', value: 5.6 },
      { component: 'rgb', channel: 0, metric: 'voltage', unit: 'V', value: 24.1 },
      { component: 'rgb', channel: 0, metric: 'current', unit: 'A', value: 0.232 },
      { component: 'rgb', channel: 0, metric: 'energy', unit: 'Wh', value: 141.07 },
      { component: 'rgb', channel: 0, metric: 'temperature', unit: 'C', value: 41.7 },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -55 },
    ]);
  });

  it('reports an rgbw light of a Plus RGBW PM on rgbw, with its white channel', () => {
    expect(fixtureMeasurements('gen2-plus-rgbw-pm-rgbw-status')).toEqual([
      { component: 'input', channel: 0, metric: 'state', value: false },
      { component: 'input', channel: 1, metric: 'state', value: false },
      { component: 'input', channel: 2, metric: 'state', value: false },
      { component: 'input', channel: 3, metric: 'state', value: false },
      { component: 'rgbw', channel: 0, metric: 'output', value: true },
      { component: 'rgbw', channel: 0, metric: 'brightness', unit: '%', value: 65 },
      { component: 'rgbw', channel: 0, metric: 'red', value: 255 },
      { component: 'rgbw', channel: 0, metric: 'green', value: 140 },
      { component: 'rgbw', channel: 0, metric: 'blue', value: 20 },
      { component: 'rgbw', channel: 0, metric: 'white', value: 40 },
      { component: 'rgbw', channel: 0, metric: 'power', unit: 'W', value: 8.4 },
      { component: 'rgbw', channel: 0, metric: 'voltage', unit: 'V', value: 12.1 },
      { component: 'rgbw', channel: 0, metric: 'current', unit: 'A', value: 0.7 },
      { component: 'rgbw', channel: 0, metric: 'energy', unit: 'Wh', value: 96.312 },
      { component: 'rgbw', channel: 0, metric: 'temperature', unit: 'C', value: 38.9 },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -59 },
    ]);
  });

  it('captured Duo Bulb Gen3: a cct light with its energy counter', () => {
    expect(fixtureMeasurements('gen3-duo-bulb-cct-status')).toEqual([
      { component: 'cct', channel: 0, metric: 'output', value: false },
      { component: 'cct', channel: 0, metric: 'brightness', unit: '%', value: 5 },
      { component: 'cct', channel: 0, metric: 'color_temp', unit: 'K', value: 2700 },
      { component: 'cct', channel: 0, metric: 'power', unit: 'W', value: 0 },
      { component: 'cct', channel: 0, metric: 'energy', unit: 'Wh', value: 200.589 },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -50 },
    ]);
  });
});
