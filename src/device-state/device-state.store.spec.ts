import { DeviceEvent } from '../normalize/device-event';
import { Measurement } from '../normalize/measurement';
import {
  DeviceStateStore,
  type DeviceStateView,
  type KnownMeasurement,
} from './device-state.store';

const device = { id: 'aabbccddeeff', gen: null, model: null, owner: null };
const source = { api: 'integrator' as const, host: 'h' };

function status(measurements: Measurement[]): DeviceEvent {
  return {
    type: 'device.status.v1',
    id: 'e',
    time: '',
    partner: 'acme',
    source,
    device,
    format: 'gen2',
    measurements,
  };
}

function online(value: boolean): DeviceEvent {
  return {
    type: 'device.online.v1',
    id: 'e',
    time: '',
    partner: 'acme',
    source,
    device,
    online: value,
  };
}

const output = (value: boolean): Measurement => ({
  component: 'switch',
  channel: 0,
  metric: 'output',
  value,
});
const power = (value: number): Measurement => ({
  component: 'switch',
  channel: 0,
  metric: 'power',
  unit: 'W',
  value,
});
const temperature = (value: number): Measurement => ({
  component: 'temperature',
  channel: 0,
  metric: 'temperature',
  unit: 'C',
  value,
});

describe('device state from the ingest stream', () => {
  const at = (second: number) => Date.UTC(2026, 0, 1, 0, 0, second);
  const iso = (second: number) => new Date(at(second)).toISOString();

  it('knows nothing of a device that has not reported', () => {
    expect(new DeviceStateStore().get('aabbccddeeff')).toEqual({
      online: null,
      lastSeenAt: null,
      measurements: [],
    });
  });

  it('merges a partial status over the last one: components it does not mention stay', () => {
    const store = new DeviceStateStore();
    store.record(status([output(false), power(0), temperature(21.5)]), at(1));
    store.record(status([output(true)]), at(2));
    store.record(status([output(true), power(40)]), at(3));

    expect(store.get('aabbccddeeff')).toEqual({
      online: true,
      lastSeenAt: iso(3),
      measurements: [
        { ...output(true), time: iso(3) },
        { ...power(40), time: iso(3) },
        { ...temperature(21.5), time: iso(1) },
      ],
    });
  });

  it('takes a full status of the same shape as a whole', () => {
    const store = new DeviceStateStore();
    store.record(status([output(false), power(0)]), at(1));
    store.record(status([output(true), power(12)]), at(2));
    expect(store.get('aabbccddeeff').measurements).toEqual([
      { ...output(true), time: iso(2) },
      { ...power(12), time: iso(2) },
    ]);
  });

  it('follows the online flag, and a reporting device is online', () => {
    const store = new DeviceStateStore();
    store.record(online(false), at(1));
    expect(store.isOnline('aabbccddeeff')).toBe(false);
    store.record(status([output(true)]), at(2));
    expect(store.isOnline('aabbccddeeff')).toBe(true);
    store.record(online(false), at(3));
    expect(store.get('aabbccddeeff')).toMatchObject({ online: false, lastSeenAt: iso(3) });
    expect(store.get('aabbccddeeff').measurements).toHaveLength(1);
  });
});

describe('device state another replica published', () => {
  const at = (second: number) => Date.UTC(2026, 0, 1, 0, 0, second);
  const iso = (second: number) => new Date(at(second)).toISOString();
  const published = (
    second: number,
    measurements: KnownMeasurement[],
    online: boolean | null = true,
  ): DeviceStateView => ({ online, lastSeenAt: iso(second), measurements });

  it('is taken as it is by an instance that knows nothing of the device', () => {
    const store = new DeviceStateStore();
    const state = published(5, [
      { ...output(true), time: iso(5) },
      { ...temperature(20), time: iso(2) },
    ]);
    expect(store.adopt('aabbccddeeff', state)).toBe(true);
    expect(store.get('aabbccddeeff')).toEqual(state);
  });

  it('is never marked changed, so the latest-state publisher leaves it to its own replica', () => {
    const store = new DeviceStateStore();
    store.adopt('aabbccddeeff', published(5, [{ ...output(true), time: iso(5) }]));
    expect(store.takeChanged()).toEqual([]);
  });

  it('changes only the readings it has a later report of, whatever order records come in', () => {
    const store = new DeviceStateStore();
    store.record(status([output(false), power(0)]), at(4));
    const late = published(3, [{ ...output(true), time: iso(3) }], false);
    const newer = published(6, [
      { ...power(30), time: iso(6) },
      { ...temperature(22), time: iso(1) },
    ]);

    expect(store.adopt('aabbccddeeff', late)).toBe(false);
    expect(store.adopt('aabbccddeeff', newer)).toBe(true);
    expect(store.adopt('aabbccddeeff', newer)).toBe(false);

    expect(store.get('aabbccddeeff')).toEqual({
      online: true,
      lastSeenAt: iso(6),
      measurements: [
        { ...output(false), time: iso(4) },
        { ...power(30), time: iso(6) },
        { ...temperature(22), time: iso(1) },
      ],
    });
  });

  it('is the starting point of a device whose session moves here: its own reports merge over it', () => {
    const store = new DeviceStateStore();
    store.adopt(
      'aabbccddeeff',
      published(2, [
        { ...output(false), time: iso(2) },
        { ...temperature(19), time: iso(2) },
      ]),
    );
    store.record(status([output(true)]), at(3));
    expect(store.get('aabbccddeeff').measurements).toEqual([
      { ...output(true), time: iso(3) },
      { ...temperature(19), time: iso(2) },
    ]);
    expect(store.takeChanged()).toEqual(['aabbccddeeff']);
  });

  it('is nothing when it says the device never reported', () => {
    const store = new DeviceStateStore();
    expect(store.adopt('aabbccddeeff', { online: null, lastSeenAt: null, measurements: [] })).toBe(
      false,
    );
    expect(store.get('aabbccddeeff').lastSeenAt).toBeNull();
  });
});
