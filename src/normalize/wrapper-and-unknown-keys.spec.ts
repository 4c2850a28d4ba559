import { measurementsOf, normalize, statusEventOf } from '../../test/fixtures/frames/frames';

describe('status keys outside the vocabulary', () => {
  const status = {
    _updated: '2025-03-02 10:15:00',
    _dev_info: { id: 'cc7b5c0c5d9c', gen: 'G2', code: 'SNSW-001P16EU', online: true },
    _bench: { seq: 41 },
    serial: 1740910123.45,
    id: 'cc7b5c0c5d9c',
    code: 'SNSW-001P16EU',
    ts: 1740910123.45,
    getinfo: { fw_info: { device: 'shellyplus1pm-cc7b5c0c5d9c' } },
    sys: { uptime: 4650, ram_free: 148212 },
    cloud: { connected: true },
    'boolean:200': { value: true },
    'number:201': { value: 17.5 },
    'script:1': { id: 1, running: true },
    'presence:0': { num_objects: 2 },
    'switch:x': { output: true },
    'switch:': { output: true },
    'switch:01': { output: true },
    'switch:2': null,
    'switch:0': { id: 0, output: true },
  };

  it('ignores wrapper keys, unknown and virtual components and malformed component keys', () => {
    expect(measurementsOf(status)).toEqual([
      { component: 'switch', channel: 0, metric: 'output', value: true },
    ]);
  });

  it('keeps the ignored keys in the raw status when the raw status is included', () => {
    const event = statusEventOf(
      normalize(
        { event: 'Shelly:StatusOnChange', deviceId: '224830197357980', status },
        { includeRawStatus: true },
      ),
    );

    expect(event.status).toEqual(status);
  });
});
