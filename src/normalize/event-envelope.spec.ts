import { normalize, statusEventOf } from '../../test/fixtures/frames/frames';

describe('event envelope', () => {
  const frame = {
    event: 'Shelly:StatusOnChange',
    deviceId: '224830197357980',
    status: { 'switch:0': { id: 0, output: true }, _updated: '2025-03-02 10:15:00' },
  };

  it('takes the event id, time, api and host from the context', () => {
    const event = statusEventOf(
      normalize(frame, {
        api: 'rte',
        host: 'shelly-43-eu.shelly.cloud',
        receivedAt: new Date('2026-01-31T23:59:59.250Z'),
        newEventId: () => '0b7c5e0e-4d0b-4b8c-9e35-0e6a3c1f2a11',
      }),
    );

    expect(event).toEqual({
      type: 'device.status.v1',
      id: '0b7c5e0e-4d0b-4b8c-9e35-0e6a3c1f2a11',
      time: '2026-01-31T23:59:59.250Z',
      partner: null,
      source: { api: 'rte', host: 'shelly-43-eu.shelly.cloud' },
      device: { id: 'cc7b5c0c5d9c', gen: null, model: null, owner: null },
      format: 'gen2',
      measurements: [{ component: 'switch', channel: 0, metric: 'output', value: true }],
    });
    expect('status' in event).toBe(false);
  });

  it('carries the raw status only when asked to', () => {
    expect(statusEventOf(normalize(frame, { includeRawStatus: true })).status).toEqual(
      frame.status,
    );
  });

  it('omits phase and unit from measurements that have none', () => {
    const [measurement] = statusEventOf(normalize(frame)).measurements;

    expect(Object.keys(measurement)).toEqual(['component', 'channel', 'metric', 'value']);
  });
});
