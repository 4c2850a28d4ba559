import pino from 'pino';
import type { AppConfig } from '../config';
import { Metrics } from '../observability';
import { EventPublisher, OutgoingEvent } from './event-publisher';
import { OutboxRelay } from './outbox-relay';
import { RecordParking } from './poison-records';

describe('outbox relay loop', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function relayOver(transaction: jest.Mock): OutboxRelay {
    const query = jest.fn().mockResolvedValue({ rows: [{ depth: 0, age: 0 }] });
    return new OutboxRelay(
      { transaction, query } as never,
      {} as never,
      pino({ level: 'silent' }),
      new Metrics(),
      {} as never,
      {} as never,
    );
  }

  it('relays again at once when woken during its idle wait', async () => {
    const transaction = jest.fn().mockResolvedValue(0);
    const relay = relayOver(transaction);
    relay.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(500);
    expect(transaction).toHaveBeenCalledTimes(1);

    relay.wake();
    await jest.advanceTimersByTimeAsync(0);

    expect(transaction).toHaveBeenCalledTimes(2);
    await relay.onModuleDestroy();
  });

  it('relays again at once when woken during a pass that found nothing', async () => {
    let finishPass = (_relayed: number) => {};
    const transaction = jest.fn(() => new Promise<number>((resolve) => (finishPass = resolve)));
    const relay = relayOver(transaction);
    relay.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(transaction).toHaveBeenCalledTimes(1);

    relay.wake();
    finishPass(0);
    await jest.advanceTimersByTimeAsync(0);

    expect(transaction).toHaveBeenCalledTimes(2);
    finishPass(0);
    await jest.advanceTimersByTimeAsync(500);
    expect(transaction).toHaveBeenCalledTimes(2);
    await relay.onModuleDestroy();
  });

  it('retries a failing relay after 250 ms, doubling up to 10 s, without jitter', async () => {
    const attempts: number[] = [];
    const transaction = jest.fn().mockImplementation(() => {
      attempts.push(Date.now());
      return Promise.reject(new Error('Kafka down'));
    });
    const relay = relayOver(transaction);
    relay.onApplicationBootstrap();

    await jest.advanceTimersByTimeAsync(46_000);

    const waits = attempts.slice(1).map((at, i) => at - attempts[i]);
    expect(waits).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
    await relay.onModuleDestroy();
  });

  it('stops at once when shutdown begins during its idle wait', async () => {
    const relay = relayOver(jest.fn().mockResolvedValue(0));
    relay.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(10);

    let stopped = false;
    void relay.onModuleDestroy().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);

    expect(stopped).toBe(true);
  });

  it('stops without waiting for the next poll when shutdown begins during a relay pass', async () => {
    let finishPass = (_relayed: number) => {};
    const transaction = jest.fn(() => new Promise<number>((resolve) => (finishPass = resolve)));
    const relay = relayOver(transaction);
    relay.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);

    let stopped = false;
    void relay.onModuleDestroy().then(() => (stopped = true));
    finishPass(0);
    await jest.advanceTimersByTimeAsync(0);

    expect(stopped).toBe(true);
  });
});

describe('outbox relay pass', () => {
  const LIMIT_BYTES = 10_000;

  interface Row {
    id: string;
    topic: string;
    key: string;
    event_type: string;
    event_id: string;
    source: string;
    time: string;
    partner: string | null;
    payload: string;
  }

  function row(n: number, payload = `{"n":${n}}`): Row {
    return {
      id: String(n),
      topic: 'consent',
      key: `device-${n}`,
      event_type: 'consent.granted.v1',
      event_id: `e${n}`,
      source: 'urn:shelly-ingest:consent-callback',
      time: '2025-03-02T10:15:00.000Z',
      partner: 'acme',
      payload,
    };
  }

  /** A broker that refuses every batch holding a record above LIMIT_BYTES. */
  class RefusingPublisher extends EventPublisher {
    readonly healthCheckName = 'refusing';
    readonly acknowledged: OutgoingEvent[] = [];

    publish(events: readonly OutgoingEvent[]): Promise<void> {
      if (events.some((event) => event.value!.length > LIMIT_BYTES)) {
        return Promise.reject(Object.assign(new Error('too large'), { type: 'MESSAGE_TOO_LARGE' }));
      }
      this.acknowledged.push(...events);
      return Promise.resolve();
    }

    health(): Promise<string> {
      return Promise.resolve('ok');
    }
  }

  /** The relay over an outbox table held in `rows`, which its statements read and delete. */
  function relayOver(rows: Row[]): { relay: OutboxRelay; publisher: RefusingPublisher } {
    const db = {
      query: (text: string, values: unknown[]) => {
        if (text.includes('pg_try_advisory_xact_lock')) {
          return Promise.resolve({ rows: [{ locked: true }] });
        }
        if (text.startsWith('DELETE')) {
          const ids = values[0] as string[];
          rows.splice(0, rows.length, ...rows.filter((r) => !ids.includes(r.id)));
          return Promise.resolve({ rows: [] });
        }
        return Promise.resolve({ rows: [...rows] });
      },
    };
    const pool = { transaction: (work: (client: typeof db) => Promise<unknown>) => work(db) };
    const publisher = new RefusingPublisher();
    const config = { kafka: { batchMaxBytes: 900_000, topics: { parked: 'parked' } } } as AppConfig;
    const logger = pino({ level: 'silent' });
    const metrics = new Metrics();
    const parking = new RecordParking(publisher, metrics, config, logger);
    return {
      relay: new OutboxRelay(pool as never, publisher, logger, metrics, config, parking),
      publisher,
    };
  }

  it('holds the rows after a refused row back for five passes, then parks it and relays them in order', async () => {
    const rows = [row(1), row(2, `{"big":"${'x'.repeat(2 * LIMIT_BYTES)}"}`), row(3), row(4)];
    const { relay, publisher } = relayOver(rows);

    for (let pass = 1; pass < 5; pass++) {
      await expect(relay.relayOnce()).rejects.toThrow(`${pass} of 5 passes`);
    }
    expect(rows.map((r) => r.id)).toEqual(['2', '3', '4']);
    expect(await relay.relayOnce()).toBe(3);

    expect(rows).toEqual([]);
    expect(publisher.acknowledged.map((e) => [e.topic, e.key])).toEqual([
      ['consent', 'device-1'],
      ['parked', 'device-2'],
      ['consent', 'device-3'],
      ['consent', 'device-4'],
    ]);
  });
});
