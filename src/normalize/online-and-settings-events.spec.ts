import { normalize } from '../../test/fixtures/frames/frames';

describe('online events', () => {
  it.each([
    [1, true],
    [0, false],
    [true, true],
    [false, false],
  ])('reads online %p as %p', (online, expected) => {
    expect(normalize({ event: 'Shelly:Online', deviceId: '224830197357980', online })).toEqual({
      kind: 'events',
      events: [
        {
          type: 'device.online.v1',
          id: 'event-1',
          time: '2025-03-02T10:15:00.000Z',
          partner: null,
          source: { api: 'integrator', host: 'shelly-103-eu.shelly.cloud' },
          device: { id: 'cc7b5c0c5d9c', gen: null, model: null, owner: null },
          online: expected,
        },
      ],
    });
  });
});

describe('settings events', () => {
  it('carries the settings object as received', () => {
    const settings = { name: 'Boiler', relays: [{ name: null, default_state: 'off' }] };

    expect(normalize({ event: 'Shelly:Settings', deviceId: '224830197357980', settings })).toEqual({
      kind: 'events',
      events: [
        {
          type: 'device.settings.v1',
          id: 'event-1',
          time: '2025-03-02T10:15:00.000Z',
          partner: null,
          source: { api: 'integrator', host: 'shelly-103-eu.shelly.cloud' },
          device: { id: 'cc7b5c0c5d9c', gen: null, model: null, owner: null },
          settings,
        },
      ],
    });
  });
});
