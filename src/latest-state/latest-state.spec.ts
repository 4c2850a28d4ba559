import type { Consent } from '../consent';
import { DeviceStateStore } from '../device-state';
import { applyStateRecord } from './device-state.feed';
import { latestState, readLatestState } from './latest-state';

const consent: Consent = {
  deviceId: 'aabbccddeeff',
  ownerUserId: 7,
  deviceType: 'SHSW-1',
  deviceCode: null,
  scope: 'read',
  host: 'shelly-103-eu.shelly.cloud',
  channelNames: [],
  partnerId: 'acme',
  grantedAt: new Date(0),
  updatedAt: new Date(0),
};

const published = latestState(
  consent,
  {
    online: true,
    lastSeenAt: '2026-01-01T00:00:05.000Z',
    measurements: [
      {
        component: 'switch',
        channel: 0,
        metric: 'power',
        unit: 'W',
        value: 12.5,
        time: '2026-01-01T00:00:05.000Z',
      },
    ],
  },
  { id: 'e1', time: '2026-01-01T00:00:06.000Z' },
);

describe('a latest-state record read back', () => {
  it('is the state that was published', () => {
    expect(readLatestState(JSON.stringify(published))).toEqual({ kind: 'state', state: published });
  });

  it('of a later version of the type is told apart from a malformed one', () => {
    const next = { ...published, type: 'device.state.v2', lastSeenAt: 5 };
    expect(readLatestState(JSON.stringify(next))).toEqual({
      kind: 'unsupported',
      type: 'device.state.v2',
    });
  });

  it.each([
    ['not JSON', '{"type":', 'not JSON'],
    ['not an object', 'null', 'value: '],
    ['of another type', JSON.stringify({ ...published, type: 'device.status.v1' }), 'type: '],
    [
      'with a time that is none',
      JSON.stringify({ ...published, lastSeenAt: 'yesterday' }),
      'lastSeenAt: ',
    ],
    [
      'with a reading without its time',
      JSON.stringify({
        ...published,
        measurements: [{ ...published.measurements[0], time: undefined }],
      }),
      'measurements.0.time: ',
    ],
  ])('%s is malformed, and says where', (_, value, problem) => {
    const read = readLatestState(value);
    expect(read.kind).toBe('malformed');
    expect((read as { problem: string }).problem.startsWith(problem)).toBe(true);
  });
});

describe('a latest-state record applied to the device state of a replica', () => {
  const record = (value: object | string | null, key: string | undefined = consent.deviceId) => ({
    key,
    value:
      value === null
        ? null
        : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  });
  const noConsent = () => false;

  it('gives the replica the state, once', () => {
    const states = new DeviceStateStore();
    expect(applyStateRecord(states, noConsent, record(published))).toEqual({ outcome: 'applied' });
    expect(applyStateRecord(states, noConsent, record(published))).toEqual({
      outcome: 'unchanged',
    });
    expect(states.get(consent.deviceId).lastSeenAt).toBe(published.lastSeenAt);
  });

  it('as a tombstone forgets a device without consent, and keeps one consented since', () => {
    const states = new DeviceStateStore();
    applyStateRecord(states, noConsent, record(published));
    expect(applyStateRecord(states, () => true, record(null))).toEqual({ outcome: 'unchanged' });
    expect(states.get(consent.deviceId).online).toBe(true);
    expect(applyStateRecord(states, noConsent, record(null))).toEqual({ outcome: 'forgotten' });
    expect(states.get(consent.deviceId).online).toBeNull();
  });

  it.each([
    ['without a key', { ...record(published), key: undefined }, 'no key'],
    ['keyed by another device', record(published, '112233445566'), 'the key is not device.id'],
    ['that is not a state', record('[]'), 'value: '],
  ])('%s is malformed and changes nothing', (_, bad, problem) => {
    const states = new DeviceStateStore();
    const applied = applyStateRecord(states, noConsent, bad);
    expect(applied.outcome).toBe('malformed');
    expect((applied as { problem: string }).problem.startsWith(problem)).toBe(true);
    expect(states.get(consent.deviceId).lastSeenAt).toBeNull();
    expect(states.get('112233445566').lastSeenAt).toBeNull();
  });

  it('of a later version is skipped', () => {
    const states = new DeviceStateStore();
    expect(
      applyStateRecord(states, noConsent, record({ ...published, type: 'device.state.v2' })),
    ).toEqual({
      outcome: 'unsupported',
      type: 'device.state.v2',
    });
    expect(states.get(consent.deviceId).lastSeenAt).toBeNull();
  });
});
