import { measurementsOf } from '../../test/fixtures/frames/frames';

describe('Gen1 lights', () => {
  it('reports a colour-mode light without its mode', () => {
    expect(
      measurementsOf({
        lights: [
          {
            ison: true,
            source: 'http',
            mode: 'color',
            red: 255,
            green: 80,
            blue: 10,
            white: 0,
            gain: 70,
            effect: 0,
            transition: 500,
          },
        ],
      }),
    ).toEqual([
      { component: 'light', channel: 0, metric: 'output', value: true },
      { component: 'light', channel: 0, metric: 'gain', unit: '%', value: 70 },
      { component: 'light', channel: 0, metric: 'red', value: 255 },
      { component: 'light', channel: 0, metric: 'green', value: 80 },
      { component: 'light', channel: 0, metric: 'blue', value: 10 },
      { component: 'light', channel: 0, metric: 'white', value: 0 },
    ]);
  });

  it('reports the colour temperature of a white-mode bulb in kelvin', () => {
    expect(
      measurementsOf({ lights: [{ ison: false, mode: 'white', brightness: 55, temp: 3200 }] }),
    ).toEqual([
      { component: 'light', channel: 0, metric: 'output', value: false },
      { component: 'light', channel: 0, metric: 'brightness', unit: '%', value: 55 },
      { component: 'light', channel: 0, metric: 'color_temp', unit: 'K', value: 3200 },
    ]);
  });

  it('reports the four white channels of an RGBW2 on their array index', () => {
    expect(
      measurementsOf({
        lights: [
          { ison: true, brightness: 10 },
          { ison: false },
          {},
          { ison: true, brightness: 100 },
        ],
      }),
    ).toEqual([
      { component: 'light', channel: 0, metric: 'output', value: true },
      { component: 'light', channel: 0, metric: 'brightness', unit: '%', value: 10 },
      { component: 'light', channel: 1, metric: 'output', value: false },
      { component: 'light', channel: 3, metric: 'output', value: true },
      { component: 'light', channel: 3, metric: 'brightness', unit: '%', value: 100 },
    ]);
  });
});
