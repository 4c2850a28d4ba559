import pino from 'pino';
import type { AppConfig } from '../config';
import type { Consent } from '../consent';
import { DeviceStateStore } from '../device-state';
import type { OutgoingEvent } from '../publish';
import { LatestStatePublisher } from './latest-state.publisher';
import { PublishedStates } from './published-states';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('latest-state publisher', () => {
  it('publishes a fleet of changed devices a slice per turn of the event loop, each device once', async () => {
    const ids = Array.from({ length: 450 }, (_, n) => `device-${n}`);
    const changed = [ids];
    const pushed: OutgoingEvent[] = [];
    const consent = (deviceId: string) => ({ deviceId, partnerId: 'default' }) as Consent;
    const publisher = new LatestStatePublisher(
      {
        takeChanged: () => changed.shift() ?? [],
        get: () => new DeviceStateStore().get('x'),
      } as never,
      { get: consent } as never,
      {} as never,
      { push: (event: OutgoingEvent) => pushed.push(event) } as never,
      { topicsOf: () => ({ deviceState: 'device-state' }) } as never,
      new PublishedStates(),
      {} as AppConfig,
      pino({ level: 'silent' }),
    );

    publisher.publishChanged();
    expect(pushed).toHaveLength(0);
    await turn();
    expect(pushed).toHaveLength(200);
    await turn();
    expect(pushed).toHaveLength(400);
    await turn();
    await turn();
    expect(pushed.map((event) => event.key)).toEqual(ids);
  });
});
