import {
  frameText,
  measurementsOf,
  statusEventOf,
  testContext,
} from '../../test/fixtures/frames/frames';
import { normalizeFrame } from './normalize-frame';

describe('Gen1 relays and their meters', () => {
  it('reports relays, meters in Wh, inputs, device temperature and Wi-Fi signal of a full status', () => {
    const event = statusEventOf(normalizeFrame(frameText('gen1-relay-status'), testContext()));

    expect(event.format).toBe('gen1');
    expect(event.device.id).toBe('b923fa');
    expect(event.measurements).toEqual([
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -70 },
      { component: 'switch', channel: 0, metric: 'output', value: true },
      { component: 'switch', channel: 1, metric: 'output', value: false },
      { component: 'switch', channel: 0, metric: 'power', unit: 'W', value: 118.42 },
      { component: 'switch', channel: 0, metric: 'energy', unit: 'Wh', value: 4006 },
      { component: 'switch', channel: 1, metric: 'power', unit: 'W', value: 0 },
      { component: 'switch', channel: 1, metric: 'energy', unit: 'Wh', value: 102 },
      { component: 'input', channel: 0, metric: 'state', value: true },
      { component: 'input', channel: 1, metric: 'state', value: false },
      { component: 'device', channel: 0, metric: 'temperature', unit: 'C', value: 52.63 },
    ]);
  });

  it('converts meter totals from watt-minutes to Wh', () => {
    expect(measurementsOf({ meters: [{ power: 0, is_valid: true, total: 90 }] })).toEqual([
      { component: 'switch', channel: 0, metric: 'power', unit: 'W', value: 0 },
      { component: 'switch', channel: 0, metric: 'energy', unit: 'Wh', value: 1.5 },
    ]);
  });

  it('leaves out a meter marked invalid', () => {
    expect(
      measurementsOf({
        meters: [
          { power: 0, is_valid: false, total: 0 },
          { power: 5, total: 60 },
        ],
      }),
    ).toEqual([
      { component: 'switch', channel: 1, metric: 'power', unit: 'W', value: 5 },
      { component: 'switch', channel: 1, metric: 'energy', unit: 'Wh', value: 1 },
    ]);
  });

  it('trusts a meter whose firmware marks it valid with the string "true"', () => {
    expect(measurementsOf({ meters: [{ power: 7.5, is_valid: 'true' }] })).toEqual([
      { component: 'switch', channel: 0, metric: 'power', unit: 'W', value: 7.5 },
    ]);
  });

  it('leaves out a meter whose validity flag is neither true nor "true"', () => {
    expect(measurementsOf({ meters: [{ power: 7.5, is_valid: 'false' }] })).toEqual([]);
  });

  it('puts meters on the lights of a dimmer or RGBW device', () => {
    expect(
      measurementsOf({ lights: [{ ison: true }], meters: [{ power: 9.1, is_valid: true }] }),
    ).toEqual([
      { component: 'light', channel: 0, metric: 'output', value: true },
      { component: 'light', channel: 0, metric: 'power', unit: 'W', value: 9.1 },
    ]);
  });

  it('leaves out the relay meters of a device in roller mode', () => {
    expect(
      measurementsOf({
        rollers: [{ state: 'stop', power: 0, is_valid: true }],
        meters: [
          { power: 0, is_valid: true, total: 600 },
          { power: 0, is_valid: true, total: 0 },
        ],
      }),
    ).toEqual([
      { component: 'cover', channel: 0, metric: 'state', value: 'stopped' },
      { component: 'cover', channel: 0, metric: 'power', unit: 'W', value: 0 },
    ]);
  });

  it('reads an input only when it is 0 or 1', () => {
    expect(measurementsOf({ inputs: [{ input: 1 }, { input: 2 }, { input: null }, {}] })).toEqual([
      { component: 'input', channel: 0, metric: 'state', value: true },
    ]);
  });

  it('leaves out the device temperature when marked invalid', () => {
    expect(measurementsOf({ tmp: { tC: 0, tF: 32, is_valid: false } })).toEqual([]);
  });

  it('leaves out the Wi-Fi signal while disconnected', () => {
    expect(measurementsOf({ wifi_sta: { connected: false, rssi: 0 } })).toEqual([]);
  });

  it('skips array entries that are not objects and keeps their neighbours on their channels', () => {
    expect(measurementsOf({ relays: [null, 'on', { ison: true }] })).toEqual([
      { component: 'switch', channel: 2, metric: 'output', value: true },
    ]);
  });
});
