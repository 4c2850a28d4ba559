import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { AppConfig } from '../config/config';
import { InjectConfig } from '../config/config.module';
import { ShutdownState } from '../common/shutdown';
import { InjectRootLogger } from '../observability/logging.module';
import { Metrics } from '../observability/metrics';
import { backoffDelay } from '../shelly/backoff';
import { EventPublisher, OutgoingEvent, recordBytes } from './event-publisher';

export type PressureListener = (full: boolean) => void;

const RETRY = { minMs: 100, maxMs: 5_000 };
/** Below this share of the bound, a full buffer lets the sockets read again. */
const RESUME_AT = 0.5;
const CLOSE_RESERVE_MS = 1_000;

/**
 * The bounded queue between the sockets and Kafka. Events leave in arrival order, one batch in flight
 * at a time, so one device's events keep their order; a batch Kafka refuses is retried as it was.
 * Nothing is dropped: at the bound the buffer asks its producers to stop reading (backpressure) and
 * lets them resume once it has drained to half.
 */
@Injectable()
export class PublishBuffer implements BeforeApplicationShutdown {
  private queue: OutgoingEvent[] = [];
  /** When each queued event arrived, in milliseconds of `performance.now()`; parallel to `queue`. */
  private arrivals: number[] = [];
  private head = 0;
  private draining = false;
  private full = false;
  private stopped = false;
  private readonly capacity: number;
  private readonly pressureListeners = new Set<PressureListener>();
  private readonly idleWaiters = new Set<() => void>();
  private readonly log: Logger;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly metrics: Metrics,
    @InjectConfig() private readonly config: AppConfig,
    @InjectRootLogger() logger: Logger,
    private readonly shutdown: ShutdownState,
  ) {
    this.capacity = config.ingest.bufferMaxEvents;
    this.log = logger.child({ component: 'publish-buffer' });
    metrics.bufferCapacity.set(this.capacity);
    metrics.bufferEvents.set(0);
  }

  get depth(): number {
    return this.queue.length - this.head;
  }

  get isFull(): boolean {
    return this.full;
  }

  onPressureChange(listener: PressureListener): () => void {
    this.pressureListeners.add(listener);
    return () => this.pressureListeners.delete(listener);
  }

  push(event: OutgoingEvent): void {
    this.queue.push(event);
    this.arrivals.push(performance.now());
    this.metrics.bufferEvents.set(this.depth);
    if (!this.full && this.depth >= this.capacity) this.setFull(true);
    if (!this.draining) void this.drain();
  }

  /** Resolves once every buffered event is acknowledged, or after `timeoutMs` (false then). */
  flush(timeoutMs: number): Promise<boolean> {
    if (this.depth === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (flushed: boolean) => {
        clearTimeout(timer);
        this.idleWaiters.delete(onIdle);
        resolve(flushed);
      };
      const onIdle = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.idleWaiters.add(onIdle);
    });
  }

  /** Runs after the sockets closed (module destroy) and before the producer disconnects. */
  async beforeApplicationShutdown(): Promise<void> {
    // What is left of SHUTDOWN_GRACE_MS, less a moment for the producer and the HTTP server to close.
    const flushed = await this.flush(Math.max(0, this.shutdown.remainingMs() - CLOSE_RESERVE_MS));
    this.stopped = true;
    if (!flushed) {
      this.log.error({ events: this.depth }, 'grace period over: stopping with unpublished events');
    }
  }

  /**
   * Sends from the oldest event on, up to `batchesInFlight` batches at once, and acknowledges them in
   * order. When one fails, every batch behind it is answered (the driver refuses them unsent), and
   * sending starts again from the failed one.
   */
  private async drain(): Promise<void> {
    this.draining = true;
    let failures = 0;
    const inFlight: { batch: OutgoingEvent[]; outcome: Promise<Error | undefined> }[] = [];
    let inFlightEvents = 0;
    while ((this.depth > 0 || inFlight.length > 0) && !this.stopped) {
      while (
        inFlight.length < this.publisher.batchesInFlight &&
        this.head + inFlightEvents < this.queue.length
      ) {
        const unsent = this.queue.length - this.head - inFlightEvents;
        if (this.config.kafka.lingerMs > 0 && unsent < this.config.kafka.batchMaxEvents) {
          await sleep(this.config.kafka.lingerMs);
        }
        const batch = this.nextBatch(this.head + inFlightEvents);
        const stopTimer = this.metrics.publishDuration.startTimer();
        const outcome = this.publisher.publish(batch).then(
          () => void stopTimer(),
          (error: Error) => error,
        );
        inFlight.push({ batch, outcome });
        inFlightEvents += batch.length;
      }
      const oldest = inFlight.shift() as (typeof inFlight)[number];
      const error = await oldest.outcome;
      inFlightEvents -= oldest.batch.length;
      if (error) {
        this.metrics.publishErrors.inc();
        this.log.warn(
          { events: oldest.batch.length, buffered: this.depth, problem: error.message },
          'Kafka did not acknowledge a batch; retrying',
        );
        await Promise.all(inFlight.map((behind) => behind.outcome));
        inFlight.length = 0;
        inFlightEvents = 0;
        this.publisher.resume();
        await sleep(backoffDelay(failures++, RETRY));
        continue;
      }
      failures = 0;
      this.acknowledged(oldest.batch);
    }
    this.draining = false;
    if (this.depth === 0) for (const waiter of [...this.idleWaiters]) waiter();
  }

  /** The events from `start` on, as many as fit in one request; at least one. */
  private nextBatch(start: number): OutgoingEvent[] {
    const { batchMaxEvents, batchMaxBytes } = this.config.kafka;
    let end = start;
    let bytes = 0;
    while (end < this.queue.length && end - start < batchMaxEvents) {
      bytes += recordBytes(this.queue[end]);
      if (bytes > batchMaxBytes && end > start) break;
      end++;
    }
    return this.queue.slice(start, end);
  }

  private acknowledged(batch: readonly OutgoingEvent[]): void {
    const now = performance.now();
    for (let i = this.head; i < this.head + batch.length; i++) {
      this.metrics.eventLatency.observe((now - this.arrivals[i]) / 1000);
    }
    this.head += batch.length;
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.arrivals = this.arrivals.slice(this.head);
      this.head = 0;
    }
    const perTopic = new Map<string, number>();
    for (const event of batch) perTopic.set(event.topic, (perTopic.get(event.topic) ?? 0) + 1);
    for (const [topic, count] of perTopic) this.metrics.eventsPublished.inc({ topic }, count);
    this.metrics.bufferEvents.set(this.depth);
    if (this.full && this.depth <= this.capacity * RESUME_AT) this.setFull(false);
  }

  private setFull(full: boolean): void {
    this.full = full;
    this.log.warn(
      { buffered: this.depth },
      full ? 'buffer full: pausing the sockets' : 'buffer drained: reading again',
    );
    for (const listener of this.pressureListeners) listener(full);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
