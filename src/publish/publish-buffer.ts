import {
  BeforeApplicationShutdown,
  Injectable,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { Logger } from 'pino';
import { type AppConfig, InjectConfig } from '../config';
import { backoffDelay, type BackoffPolicy, sleep } from '../common';
import { ShutdownState } from '../shutdown';
import { InjectRootLogger, Metrics, type RecordSettlement } from '../observability';
import { batchEnd, EventPublisher, OutgoingEvent, recordBytes } from './event-publisher';
import { eventSources } from './event-sources';
import { publishIsolatingRefusals, RecordParking } from './poison-records';

export type PressureListener = (full: boolean) => void;

/**
 * Sources of records made by the service rather than read off a socket (latest states, audit,
 * accounts): they stay out of the frame-to-acknowledgement latency.
 */
const NOT_FROM_FRAMES = new Set<string>(Object.values(eventSources));

/** Told how one pushed event ended: acknowledged by Kafka or parked. */
export type SettlementListener = (settled: RecordSettlement) => void;

const RETRY: BackoffPolicy = { minMs: 100, maxMs: 5_000, jitter: 0.1 };
/** Below this share of the bound, a full buffer lets the sockets read again. */
const RESUME_AT = 0.5;
const CLOSE_RESERVE_MS = 1_000;
/** At full rate the buffer pauses the sockets several times a second: one log line sums them up. */
const BACKPRESSURE_SUMMARY_MS = 60_000;

/**
 * The bounded queue between the sockets and Kafka. Events leave in arrival order, one batch in flight
 * at a time, so one device's events keep their order; a batch Kafka did not acknowledge is retried as
 * it was, except that a record Kafka refuses for good is parked and the others go on (see
 * publishIsolatingRefusals). Nothing is dropped: at the bound the buffer asks its producers to stop
 * reading (backpressure) and lets them resume once it has drained to half. Backpressure is normal
 * at full rate: it is counted, and summed up in the log once a minute when there was any.
 */
@Injectable()
export class PublishBuffer implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private queue: OutgoingEvent[] = [];
  /**
   * When each queued event arrived, in milliseconds of `performance.now()`, NaN for one not from a
   * frame; parallel to `queue`.
   */
  private arrivals: number[] = [];
  /** Each queued event's `recordBytes`; parallel to `queue`. */
  private sizes: number[] = [];
  /** The sum of `sizes` from `head` on. */
  private bufferedBytes = 0;
  /** Who waits for each queued event's end, if anyone; parallel to `queue`. */
  private settlementListeners: (SettlementListener | undefined)[] = [];
  private head = 0;
  private draining = false;
  private full = false;
  private stopped = false;
  /** While full: when, in milliseconds of `performance.now()`, the paused time was last counted. */
  private pausedTimeCountedUntil = 0;
  private pausesSinceSummary = 0;
  private pausedMsSinceSummary = 0;
  private summaryTimer?: NodeJS.Timeout;
  /** In bytes of records. */
  private readonly capacity: number;
  private readonly pressureListeners = new Set<PressureListener>();
  private readonly idleWaiters = new Set<() => void>();
  private readonly closingListeners = new Set<() => void>();
  private readonly log: Logger;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly metrics: Metrics,
    @InjectConfig() private readonly config: AppConfig,
    @InjectRootLogger() logger: Logger,
    private readonly shutdown: ShutdownState,
    private readonly parking: RecordParking,
  ) {
    this.capacity = config.ingest.bufferMaxBytes;
    this.log = logger.child({ component: 'publish-buffer' });
    metrics.bufferCapacity.set(this.capacity);
    metrics.sample(metrics.bufferEvents, () => this.depth);
    metrics.sample(metrics.bufferBytes, () => this.bufferedBytes);
  }

  onModuleInit(): void {
    this.summaryTimer = setInterval(
      () => this.summarizeBackpressure(),
      BACKPRESSURE_SUMMARY_MS,
    ).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.summaryTimer);
  }

  get depth(): number {
    return this.queue.length - this.head;
  }

  /** The queued events' `recordBytes`, summed. */
  get bytes(): number {
    return this.bufferedBytes;
  }

  get isFull(): boolean {
    return this.full;
  }

  onPressureChange(listener: PressureListener): () => void {
    this.pressureListeners.add(listener);
    return () => this.pressureListeners.delete(listener);
  }

  push(event: OutgoingEvent, onSettled?: SettlementListener): void {
    const size = recordBytes(event);
    this.queue.push(event);
    this.arrivals.push(NOT_FROM_FRAMES.has(event.source) ? NaN : performance.now());
    this.sizes.push(size);
    this.settlementListeners.push(onSettled);
    this.bufferedBytes += size;
    if (!this.full && this.bufferedBytes >= this.capacity) this.setFull(true);
    if (!this.draining) void this.drain();
  }

  /** Called once the sockets have closed, before the last flush: the moment to push what is pending. */
  onClosing(listener: () => void): () => void {
    this.closingListeners.add(listener);
    return () => this.closingListeners.delete(listener);
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
    for (const listener of this.closingListeners) listener();
    // What is left of SHUTDOWN_GRACE_MS, less a moment for the producer and the HTTP server to close.
    const flushed = await this.flush(Math.max(0, this.shutdown.remainingMs() - CLOSE_RESERVE_MS));
    this.stopped = true;
    if (!flushed) {
      this.log.error({ events: this.depth }, 'grace period over: stopping with unpublished events');
    }
  }

  private async drain(): Promise<void> {
    this.draining = true;
    let failures = 0;
    while (this.depth > 0 && !this.stopped) {
      if (this.config.kafka.lingerMs > 0 && this.depth < this.config.kafka.batchMaxEvents) {
        await sleep(this.config.kafka.lingerMs);
      }
      const batch = this.nextBatch();
      const stopTimer = this.metrics.publishDuration.startTimer();
      try {
        await publishIsolatingRefusals(
          this.publisher,
          batch,
          (events) => this.published(events),
          async (event, refusal) => {
            await this.parking.park(event, refusal, 'buffer');
            this.settlementListeners[this.head]?.('parked');
            this.release(1);
          },
        );
      } catch (error) {
        this.metrics.publishErrors.inc();
        this.log.warn(
          { events: batch.length, buffered: this.depth, problem: (error as Error).message },
          'Kafka did not acknowledge a batch; retrying',
        );
        await sleep(backoffDelay(failures++, RETRY));
        continue;
      }
      stopTimer();
      failures = 0;
    }
    this.draining = false;
    if (this.depth === 0) for (const waiter of [...this.idleWaiters]) waiter();
  }

  /** The oldest events, as many as fit in one request; at least one. */
  private nextBatch(): OutgoingEvent[] {
    const { batchMaxEvents, batchMaxBytes } = this.config.kafka;
    return this.queue.slice(
      this.head,
      batchEnd(this.sizes, this.head, batchMaxEvents, batchMaxBytes),
    );
  }

  /** `events` are the oldest in the queue, acknowledged by Kafka. */
  private published(events: readonly OutgoingEvent[]): void {
    const now = performance.now();
    for (let i = this.head; i < this.head + events.length; i++) {
      const arrival = this.arrivals[i];
      if (!Number.isNaN(arrival)) this.metrics.eventLatency.observe((now - arrival) / 1000);
      this.settlementListeners[i]?.('published');
    }
    const perTopic = new Map<string, number>();
    for (const event of events) perTopic.set(event.topic, (perTopic.get(event.topic) ?? 0) + 1);
    for (const [topic, count] of perTopic) this.metrics.eventsPublished.inc({ topic }, count);
    this.release(events.length);
  }

  /** The oldest `count` events are done with: published or parked. */
  private release(count: number): void {
    for (let i = this.head; i < this.head + count; i++) this.bufferedBytes -= this.sizes[i];
    this.head += count;
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.arrivals = this.arrivals.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.settlementListeners = this.settlementListeners.slice(this.head);
      this.head = 0;
    }
    if (this.full && this.bufferedBytes <= this.capacity * RESUME_AT) this.setFull(false);
  }

  private setFull(full: boolean): void {
    if (full) {
      this.pausedTimeCountedUntil = performance.now();
      this.pausesSinceSummary++;
      this.metrics.backpressurePauses.inc();
    } else {
      this.countPausedTime();
    }
    this.full = full;
    for (const listener of this.pressureListeners) listener(full);
  }

  /** Counts the time paused since the pause began or was last counted. */
  private countPausedTime(): void {
    const now = performance.now();
    const pausedMs = now - this.pausedTimeCountedUntil;
    this.pausedTimeCountedUntil = now;
    this.pausedMsSinceSummary += pausedMs;
    this.metrics.backpressureSeconds.inc(pausedMs / 1000);
  }

  private summarizeBackpressure(): void {
    // A pause that lasts through the minute counts up to now, in the metric too.
    if (this.full) this.countPausedTime();
    if (this.pausesSinceSummary === 0 && this.pausedMsSinceSummary === 0) return;
    this.log.info(
      {
        pauses: this.pausesSinceSummary,
        pausedSeconds: Math.round(this.pausedMsSinceSummary) / 1000,
      },
      'backpressure in the last minute: reading from the sockets paused',
    );
    this.pausesSinceSummary = 0;
    this.pausedMsSinceSummary = 0;
  }
}
