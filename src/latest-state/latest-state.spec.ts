import type { Consent } from '../consent';
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
