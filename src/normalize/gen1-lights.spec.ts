import { fixtureMeasurements, measurementsOf } from '../../test/fixtures/frames/frames';

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

  it('captured Shelly Dimmer: light, meter in Wh, inputs and device temperature', () => {
    expect(fixtureMeasurements('gen1-dimmer-status')).toEqual([
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -75 },
      { component: 'light', channel: 0, metric: 'output', value: true },
      { component: 'light', channel: 0, metric: 'brightness', unit: '%', value: 100 },
      { component: 'light', channel: 0, metric: 'power', unit: 'W', value: 22.83 },
      { component: 'light', channel: 0, metric: 'energy', unit: 'Wh', value: 13.033333333333333 },
      { component: 'input', channel: 0, metric: 'state', value: false },
      { component: 'input', channel: 1, metric: 'state', value: false },
      { component: 'device', channel: 0, metric: 'temperature', unit: 'C', value: 56.73 },
    ]);
  });

  it('captured Shelly Bulb in colour mode, its meter marked valid by the string "true"', () => {
    expect(fixtureMeasurements('gen1-bulb-color-status')).toEqual([
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -70 },
      { component: 'light', channel: 0, metric: 'output', value: false },
      { component: 'light', channel: 0, metric: 'brightness', unit: '%', value: 50 },
      { component: 'light', channel: 0, metric: 'gain', unit: '%', value: 100 },
      { component: 'light', channel: 0, metric: 'red', value: 255 },
      { component: 'light', channel: 0, metric: 'green', value: 167 },
      { component: 'light', channel: 0, metric: 'blue', value: 16 },
      { component: 'light', channel: 0, metric: 'white', value: 0 },
      { component: 'light', channel: 0, metric: 'color_temp', unit: 'K', value: 3243 },
      { component: 'light', channel: 0, metric: 'power', unit: 'W', value: 0 },
    ]);
  });

  it('captured RGBW2 in white mode: four lights, each with its meter', () => {
    expect(fixtureMeasurements('gen1-rgbw2-white-status')).toEqual([
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -36 },
      { component: 'light', channel: 0, metric: 'output', value: true },
      { component: 'light', channel: 0, metric: 'brightness', unit: '%', value: 50 },
      { component: 'light', channel: 1, metric: 'output', value: false },
      { component: 'light', channel: 1, metric: 'brightness', unit: '%', value: 50 },
      { component: 'light', channel: 2, metric: 'output', value: false },
      { component: 'light', channel: 2, metric: 'brightness', unit: '%', value: 50 },
      { component: 'light', channel: 3, metric: 'output', value: false },
      { component: 'light', channel: 3, metric: 'brightness', unit: '%', value: 50 },
      { component: 'light', channel: 0, metric: 'power', unit: 'W', value: 1.2 },
      { component: 'light', channel: 1, metric: 'power', unit: 'W', value: 0 },
      { component: 'light', channel: 2, metric: 'power', unit: 'W', value: 0 },
      { component: 'light', channel: 3, metric: 'power', unit: 'W', value: 0 },
    ]);
  });
});
