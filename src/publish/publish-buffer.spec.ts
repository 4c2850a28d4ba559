import pino from 'pino';
import type { AppConfig } from '../config';
import { Metrics } from '../observability';
import { EventPublisher, OutgoingEvent, recordBytes } from './event-publisher';
import { eventSources } from './event-sources';
import { RecordParking } from './poison-records';
import { PublishBuffer } from './publish-buffer';

/** Kafka's refusal of a record, as kafkajs throws it. */
function tooLarge(): Error {
  return Object.assign(new Error('The request included a message larger than the max'), {
    type: 'MESSAGE_TOO_LARGE',
  });
}

/**
 * A publisher that answers as scripted: each request takes the next of `script` (`down` fails it
 * as a broker outage would; `up`, and an empty script, let it through), then, like a broker, it
 * refuses every batch holding a record larger than `limitBytes`. `hold` keeps requests waiting until
 * `release()`.
 */
class ScriptedPublisher extends EventPublisher {
  readonly healthCheckName = 'scripted';
  /** Every record acknowledged, parked copies included, in order. */
  readonly acknowledged: OutgoingEvent[] = [];
  /** When each request was made, in (fake) milliseconds. */
  readonly requestTimes: number[] = [];
  script: ('down' | 'up')[] = [];
  hold = false;
  limitBytes = 10_000;
  private waiting: (() => void)[] = [];

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    this.requestTimes.push(Date.now());
    if (this.hold) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.script.shift() === 'down') throw new Error('broker down');
    if (events.some((event) => Buffer.byteLength(event.value!) > this.limitBytes)) throw tooLarge();
    this.acknowledged.push(...events);
  }

  release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  health(): Promise<string> {
    return Promise.resolve('ok');
  }
}

function event(n: number, value = `{"n":${n}}`): OutgoingEvent {
  return {
    topic: 'status',
    key: `device-${n % 3}`,
    type: 'device.status.v1',
    id: `e${n}`,
    source: 'urn:shelly-ingest:integrator:shelly-103-eu.shelly.cloud',
    time: '2025-03-02T10:15:00.000Z',
    partner: 'acme',
    value,
  };
}

function numbered(count: number): OutgoingEvent[] {
  return Array.from({ length: count }, (_, n) => event(n));
}

interface LogLine {
  level: number;
  msg: string;
  pauses?: number;
  pausedSeconds?: number;
}

describe('publish buffer', () => {
  let publisher: ScriptedPublisher;
  let metrics: Metrics;
  let buffer: PublishBuffer;
  /** Every line logged, at any level. */
  let logged: LogLine[];

  /** `capacity`: in events the size of `event(0)` (as are those up to `event(9)`). */
  function start(bounds: { capacity: number; batchMaxEvents: number }): void {
    const config = {
      ingest: { bufferMaxBytes: bounds.capacity * recordBytes(event(0)) },
      kafka: {
        batchMaxEvents: bounds.batchMaxEvents,
        batchMaxBytes: 900_000,
        lingerMs: 0,
        topics: { parked: 'parked' },
      },
    } as AppConfig;
    logged = [];
    const logger = pino(
      { level: 'trace' },
      { write: (line: string) => logged.push(JSON.parse(line) as LogLine) },
    );
    publisher = new ScriptedPublisher();
    metrics = new Metrics();
    const parking = new RecordParking(publisher, metrics, config, logger);
    buffer = new PublishBuffer(publisher, metrics, config, logger, {} as never, parking);
    buffer.onModuleInit();
  }

  /** Lets fake time pass, a backoff step at a time, until the buffer is empty. */
  async function drained(): Promise<void> {
    for (let step = 0; step < 1_000 && buffer.depth > 0; step++) {
      await jest.advanceTimersByTimeAsync(100);
    }
    expect(buffer.depth).toBe(0);
  }

  beforeEach(() => {
    jest.useFakeTimers();
    // No jitter: backoff delays come out exact.
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    buffer.onModuleDestroy();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('publishes every event once, in arrival order, through failed requests', async () => {
    start({ capacity: 100, batchMaxEvents: 4 });
    const events = numbered(30);
    publisher.script = ['down', 'down', 'up', 'down'];
    for (const e of events.slice(0, 10)) buffer.push(e);
    await jest.advanceTimersByTimeAsync(150);
    for (const e of events.slice(10)) buffer.push(e);
    await drained();

    expect(publisher.acknowledged.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(await metrics.publishErrors.get()).toMatchObject({ values: [{ value: 3 }] });
  });

  it('pauses its producers when it holds its capacity and resumes them once drained to half', async () => {
    start({ capacity: 10, batchMaxEvents: 3 });
    const changes: { full: boolean; depth: number }[] = [];
    buffer.onPressureChange((full) => changes.push({ full, depth: buffer.depth }));
    publisher.hold = true;
    for (const e of numbered(10)) buffer.push(e);
    expect(changes).toEqual([{ full: true, depth: 10 }]);

    for (let step = 0; step < 10 && buffer.depth > 0; step++) {
      publisher.release();
      await jest.advanceTimersByTimeAsync(0);
    }

    // The first request took the first event alone, each later one three: 10, 9, 6, then 3.
    expect(changes).toEqual([
      { full: true, depth: 10 },
      { full: false, depth: 3 },
    ]);
  });

  it('counts its capacity in bytes: one event as large as ten small ones fills it', async () => {
    start({ capacity: 10, batchMaxEvents: 3 });
    const changes: { full: boolean; depth: number }[] = [];
    buffer.onPressureChange((full) => changes.push({ full, depth: buffer.depth }));
    publisher.hold = true;
    const small = recordBytes(event(1));
    const large = event(0, 'x'.repeat(10 * small - recordBytes(event(0, ''))));
    expect(recordBytes(large)).toBe(10 * small);

    buffer.push(large);
    expect(changes).toEqual([{ full: true, depth: 1 }]);
    buffer.push(event(1));
    publisher.release();
    await jest.advanceTimersByTimeAsync(0);

    // The large event's bytes left with it: what is left, one small event, is below half.
    expect(changes).toEqual([
      { full: true, depth: 1 },
      { full: false, depth: 1 },
    ]);
  });

  it('reports the events and bytes it holds at each scrape of the metrics', async () => {
    start({ capacity: 100, batchMaxEvents: 3 });
    publisher.hold = true;
    for (const e of numbered(5)) buffer.push(e);
    const scraped = async () =>
      (await metrics.registry.getMetricsAsJSON()).filter((metric) =>
        metric.name.startsWith('shelly_ingest_buffer_'),
      );
    const value = async (name: string) =>
      (await scraped()).find((metric) => metric.name === name)?.values[0].value;

    expect(await value('shelly_ingest_buffer_events')).toBe(5);
    expect(await value('shelly_ingest_buffer_bytes')).toBe(5 * recordBytes(event(0)));

    publisher.hold = false;
    publisher.release();
    await drained();
    expect(await value('shelly_ingest_buffer_events')).toBe(0);
    expect(await value('shelly_ingest_buffer_bytes')).toBe(0);
  });

  it('times from frame to acknowledgement only the events read off a socket, not latest states', async () => {
    start({ capacity: 100, batchMaxEvents: 10 });
    buffer.push(event(1));
    buffer.push({ ...event(2), source: eventSources.latestState });
    await drained();

    expect(publisher.acknowledged).toHaveLength(2);
    const latency = (await metrics.eventLatency.get()).values;
    expect(latency.find((sample) => sample.metricName?.endsWith('_count'))?.value).toBe(1);
  });

  it('waits 100 ms after a failed request, doubling, and 100 ms again once a request succeeded', async () => {
    start({ capacity: 100, batchMaxEvents: 1 });
    publisher.script = ['down', 'down', 'down', 'up', 'down', 'up'];
    buffer.push(event(0));
    buffer.push(event(1));
    await drained();

    const times = publisher.requestTimes;
    expect(times.slice(1).map((at, i) => at - times[i])).toEqual([100, 200, 400, 0, 100]);
  });

  it('parks the one record Kafka refuses for good and publishes the others in order', async () => {
    start({ capacity: 100, batchMaxEvents: 10 });
    const events = numbered(8);
    events[5] = event(5, `{"n":5,"note":"${'x'.repeat(20_000)}"}`);
    for (const e of events) buffer.push(e);
    await drained();

    const acknowledged = publisher.acknowledged;
    expect(acknowledged.map((e) => e.topic)).toEqual([
      ...Array(5).fill('status'),
      'parked',
      'status',
      'status',
    ]);
    expect(acknowledged.filter((e) => e.topic === 'status').map((e) => e.id)).toEqual([
      'e0',
      'e1',
      'e2',
      'e3',
      'e4',
      'e6',
      'e7',
    ]);
    const parked = JSON.parse(acknowledged[5].value!) as {
      reason: string;
      record: { key: string; value: string };
    };
    expect(parked).toMatchObject({
      reason: 'record_too_large',
      record: { key: events[5].key, truncated: true, valueBytes: events[5].value!.length },
    });
    expect(events[5].value!.startsWith(parked.record.value)).toBe(true);
    expect(acknowledged[5].key).toBe(events[5].key);
    expect(await metrics.recordsParked.get()).toMatchObject({
      values: [{ labels: { origin: 'buffer', reason: 'record_too_large' }, value: 1 }],
    });
    expect(await metrics.publishErrors.get()).toMatchObject({ values: [{ value: 0 }] });
  });

  it('drops and counts a refused record whose parked copy Kafka refuses too, and goes on', async () => {
    start({ capacity: 100, batchMaxEvents: 10 });
    publisher.limitBytes = 1_000;
    buffer.push(event(0, `{"note":"${'x'.repeat(2_000)}"}`));
    buffer.push(event(1));
    await drained();

    expect(publisher.acknowledged.map((e) => e.id)).toEqual(['e1']);
    expect(await metrics.recordsDropped.get()).toMatchObject({
      values: [{ labels: { origin: 'buffer', reason: 'record_too_large' }, value: 1 }],
    });
  });

  it('tells each event’s listener once Kafka acknowledged it, or that it was parked', async () => {
    start({ capacity: 100, batchMaxEvents: 10 });
    const settled: string[] = [];
    const events = numbered(3);
    events[1] = event(1, `{"note":"${'x'.repeat(20_000)}"}`);
    publisher.hold = true;
    events.forEach((e) => buffer.push(e, (how) => settled.push(`${e.id} ${how}`)));
    await jest.advanceTimersByTimeAsync(0);
    expect(settled).toEqual([]);

    for (let step = 0; step < 20 && buffer.depth > 0; step++) {
      publisher.release();
      await jest.advanceTimersByTimeAsync(0);
    }

    expect(buffer.depth).toBe(0);
    expect(settled).toEqual(['e0 published', 'e1 parked', 'e2 published']);
  });

  describe('backpressure', () => {
    const summary = 'backpressure in the last minute: reading from the sockets paused';
    const capacity = 10;

    /** Fills the buffer to its capacity while Kafka holds every request: the sockets are paused. */
    function fill(): void {
      publisher.hold = true;
      for (const e of numbered(capacity)) buffer.push(e);
      expect(buffer.isFull).toBe(true);
    }

    /** Lets Kafka answer, with no time passing, until the sockets may read again. */
    async function letKafkaAnswer(): Promise<void> {
      publisher.hold = false;
      for (let step = 0; step < 10 && buffer.isFull; step++) {
        publisher.release();
        await jest.advanceTimersByTimeAsync(0);
      }
      expect(buffer.isFull).toBe(false);
    }

    async function pauseFor(ms: number): Promise<void> {
      fill();
      await jest.advanceTimersByTimeAsync(ms);
      await letKafkaAnswer();
    }

    async function counted(counter: 'backpressurePauses' | 'backpressureSeconds') {
      return (await metrics[counter].get()).values[0].value;
    }

    beforeEach(() => start({ capacity, batchMaxEvents: capacity }));

    it('counts each pause and adds up the time the sockets stayed paused', async () => {
      await pauseFor(2_000);
      await jest.advanceTimersByTimeAsync(500);
      await pauseFor(3_000);

      expect(await counted('backpressurePauses')).toBe(2);
      expect(await counted('backpressureSeconds')).toBe(5);
    });

    it('logs nothing per pause and sums the minute up in one info line', async () => {
      for (let n = 0; n < 10; n++) {
        await pauseFor(1_000);
        await jest.advanceTimersByTimeAsync(1_000);
      }
      expect(logged).toEqual([]);

      await jest.advanceTimersByTimeAsync(40_000);

      expect(logged).toEqual([
        expect.objectContaining({ level: 30, msg: summary, pauses: 10, pausedSeconds: 10 }),
      ]);
    });

    it('writes at most one summary a minute however often the buffer pauses', async () => {
      // A one-second pause every five seconds for three minutes.
      for (let n = 0; n < 36; n++) {
        await pauseFor(1_000);
        await jest.advanceTimersByTimeAsync(4_000);
      }

      expect(logged).toEqual(
        Array(3).fill(expect.objectContaining({ msg: summary, pauses: 12, pausedSeconds: 12 })),
      );
    });

    it('writes no summary for a minute without backpressure', async () => {
      await jest.advanceTimersByTimeAsync(60_000);
      expect(logged).toEqual([]);

      await pauseFor(1_000);
      await jest.advanceTimersByTimeAsync(179_000);

      expect(logged).toEqual([expect.objectContaining({ msg: summary, pauses: 1 })]);
    });

    it('counts a pause that lasts through the minute in that minute and the next', async () => {
      await jest.advanceTimersByTimeAsync(30_000);
      fill();
      await jest.advanceTimersByTimeAsync(30_000);

      expect(logged).toEqual([
        expect.objectContaining({ msg: summary, pauses: 1, pausedSeconds: 30 }),
      ]);
      expect(await counted('backpressureSeconds')).toBe(30);

      await jest.advanceTimersByTimeAsync(15_000);
      await letKafkaAnswer();
      await jest.advanceTimersByTimeAsync(45_000);

      expect(logged.slice(1)).toEqual([
        expect.objectContaining({ msg: summary, pauses: 0, pausedSeconds: 15 }),
      ]);
      expect(await counted('backpressurePauses')).toBe(1);
      expect(await counted('backpressureSeconds')).toBe(45);
    });
  });
});
