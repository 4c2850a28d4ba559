import { testContext } from '../../test/fixtures/frames/frames';
import { normalizeParsedFrame } from '../normalize';
import type { DeviceState, ListedDevice } from './cloud-control-answers';
import { deviceSnapshots, listedIds, pagesOf, snapshotFrames } from './device-snapshot';

const PLUG = 'a8032abe41fc';
const COVER = '485519999340';
const HT = 'b923fa';

const listed: Record<string, ListedDevice> = {
  [PLUG]: { name: 'Plug', type: 'SNSW-001P16EU', gen: 'G2', cloud_online: true },
  [COVER.toUpperCase()]: { name: 'Blinds', type: 'SNSW-102P16EU', gen: 'G2', cloud_online: true },
  [HT]: { name: 'Attic', type: 'SHHT-1', gen: 'G1', cloud_online: false },
  '4711': { name: 'Thermostat', type: 'virtual', gen: 'V1' },
};

const plugStatus = { 'switch:0': { id: 0, output: true, apower: 12.5 } };
const states: DeviceState[] = [
  { id: PLUG, code: 'SNSW-001P16EU', gen: 'G2', online: true, status: plugStatus },
  { id: COVER, code: 'SNSW-102P16EU', gen: 'G2', online: false },
];

describe('device snapshots from the Cloud Control API', () => {
  it('takes a device’s state from the get answer and, for one it left out, what the list says', () => {
    expect(deviceSnapshots(listed, states)).toEqual([
      { id: PLUG, model: 'SNSW-001P16EU', gen: 'G2', online: true, status: plugStatus },
      { id: COVER, model: 'SNSW-102P16EU', gen: 'G2', online: false, status: null },
      { id: HT, model: 'SHHT-1', gen: 'G1', online: false, status: null },
    ]);
  });

  it('asks the get only about ids it can name, in lowercase hex', () => {
    expect(listedIds(listed)).toEqual([PLUG, COVER, HT]);
  });

  it('splits ids into pages of ten at most', () => {
    const ids = Array.from({ length: 25 }, (_, index) => `id-${index}`);
    expect(pagesOf(ids, 10).map((page) => page.length)).toEqual([10, 10, 5]);
    expect(pagesOf(ids, 10).flat()).toEqual(ids);
  });

  it('gives frames the normalizer turns into the device’s online and status events', () => {
    const [snapshot] = deviceSnapshots(listed, states);
    const results = snapshotFrames(snapshot).map((frame) =>
      normalizeParsedFrame(frame, testContext({ api: 'rte', host: 'shelly-43-eu.shelly.cloud' })),
    );

    expect(results).toMatchObject([
      {
        kind: 'events',
        events: [
          {
            type: 'device.online.v1',
            device: { id: PLUG, gen: 'G2', model: 'SNSW-001P16EU' },
            online: true,
          },
        ],
      },
      {
        kind: 'events',
        events: [
          {
            type: 'device.status.v1',
            device: { id: PLUG, gen: 'G2', model: 'SNSW-001P16EU' },
            format: 'gen2',
            measurements: expect.arrayContaining([
              { component: 'switch', channel: 0, metric: 'output', value: true },
            ]) as unknown,
          },
        ],
      },
    ]);
  });

  it('names an all-digit hex id by its decimal reading, so that it is not read as decimal', () => {
    const [frame] = snapshotFrames({
      id: COVER,
      model: 'SNSW-102P16EU',
      gen: 'G2',
      online: false,
      status: null,
    });
    const result = normalizeParsedFrame(frame, testContext({ api: 'rte' }));

    expect(frame.frame.device).toEqual({ id: '79530338915136', code: 'SNSW-102P16EU', gen: 'G2' });
    expect(result).toMatchObject({ events: [{ device: { id: COVER }, online: false }] });
  });

  it('gives an online frame only for a device without a status', () => {
    const frames = snapshotFrames({ id: HT, model: null, gen: null, online: false, status: null });
    expect(frames.map((frame) => frame.frame)).toEqual([
      { event: 'Shelly:Online', device: { id: '12133370' }, online: 0 },
    ]);
  });
});
