import { normalize } from '../../test/fixtures/frames/frames';

describe('frames of the OAuth real-time events channel', () => {
  const device = { id: '79530338915136', code: 'SNSW-102P16EU', gen: 'G2' };

  it('reads the device object and states its generation and model', () => {
    expect(
      normalize(
        { event: 'Shelly:StatusOnChange', device, status: { 'switch:1': { id: 1, output: true } } },
        { api: 'rte', host: 'shelly-43-eu.shelly.cloud' },
      ),
    ).toEqual({
      kind: 'events',
      events: [
        {
          type: 'device.status.v1',
          id: 'event-1',
          time: '2025-03-02T10:15:00.000Z',
          partner: null,
          source: { api: 'rte', host: 'shelly-43-eu.shelly.cloud' },
          device: { id: '485519999340', gen: 'G2', model: 'SNSW-102P16EU', owner: null },
          format: 'gen2',
          measurements: [{ component: 'switch', channel: 1, metric: 'output', value: true }],
        },
      ],
    });
  });

  it('reads an online frame with a device object', () => {
    expect(normalize({ event: 'Shelly:Online', device, online: 1 }, { api: 'rte' })).toMatchObject({
      kind: 'events',
      events: [
        {
          type: 'device.online.v1',
          source: { api: 'rte' },
          device: { id: '485519999340', gen: 'G2', model: 'SNSW-102P16EU', owner: null },
          online: true,
        },
      ],
    });
  });

  it('leaves generation and model null when the device object does not state them', () => {
    expect(
      normalize({ event: 'Shelly:Online', device: { id: '79530338915136' }, online: 0 }),
    ).toMatchObject({
      events: [{ device: { id: '485519999340', gen: null, model: null, owner: null } }],
    });
  });

  it('uses the stated G1 generation for a status whose keys do not tell the dialect', () => {
    expect(
      normalize({
        event: 'Shelly:StatusOnChange',
        device: { id: '12133370', code: 'SHSW-25', gen: 'G1' },
        status: { cloud: { connected: true } },
      }),
    ).toMatchObject({ events: [{ format: 'gen1', measurements: [] }] });
  });

  it('rejects a device that is not an object', () => {
    expect(normalize({ event: 'Shelly:Online', device: '79530338915136', online: 1 })).toEqual({
      kind: 'rejected',
      reason: 'invalid_field',
      detail: '"device" is not an object',
    });
  });
});
