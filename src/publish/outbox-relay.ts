import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Logger } from 'pino';
import { backoffDelay, type BackoffPolicy, sleep } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { PgPool } from '../database';
import { InjectRootLogger, Metrics } from '../observability';
import { batchEnd, EventPublisher, OutgoingEvent, recordBytes } from './event-publisher';
import { publishIsolatingRefusals, RecordParking } from './poison-records';

/** Only one instance relays at a time, so the outbox leaves in commit order. */
const RELAY_LOCK_KEY = 73_001_001;
const BATCH_SIZE = 500;
const IDLE_POLL_MS = 1_000;
const RETRY: BackoffPolicy = { minMs: 250, maxMs: 10_000, jitter: 0 };
/**
 * Passes in which Kafka refuses an outbox row for good before the row is parked. Not one: the outbox
 * holds consent and audit events, which must not leave their order on a single odd answer; and not
 * a setting: the same refusal five times over about four seconds of backoff is no accident.
 */
const PASSES_BEFORE_PARKING = 5;
/** The outbox gauges are counted at most this often: counting rows reads the whole table. */
const GAUGES_EVERY_MS = 1_000;

interface OutboxRow {
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

/**
 * Moves outbox rows to Kafka: publishes a batch (at most BATCH_SIZE rows and KAFKA_BATCH_MAX_BYTES),
 * waits for the acknowledgement, then deletes the rows acknowledged, all inside one transaction. When
 * Kafka is down the rows stay for the next attempt, so every event is delivered at least once. A row
 * Kafka refuses for good holds the rows after it back until it is parked, after
 * PASSES_BEFORE_PARKING passes.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private loop?: Promise<void>;
  private wakeUp = new AbortController();
  /** A wake-up that came during a relay pass: that pass may have read before the rows it announced. */
  private wokenDuringPass = false;
  private readonly log: Logger;
  /** The row Kafka last refused and in how many passes; rows leave in order, so there is one. */
  private refused?: { id: string; passes: number };
  private gaugesCountedAt = -Infinity;

  constructor(
    private readonly pool: PgPool,
    private readonly publisher: EventPublisher,
    @InjectRootLogger() logger: Logger,
    private readonly metrics: Metrics,
    @InjectConfig() private readonly config: AppConfig,
    private readonly parking: RecordParking,
  ) {
    this.log = logger.child({ component: 'outbox-relay' });
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** Asks for a relay pass now instead of at the next poll. */
  wake(): void {
    this.wokenDuringPass = true;
    this.wakeUp.abort();
  }

  /**
   * Relays one batch; answers how many events left. Plain `pg` with the payload read as text: the
   * relay carries every consent and command audit event, and Prisma's row decoding plus a second
   * JSON round trip per event cost the event loop several times more.
   */
  async relayOnce(): Promise<number> {
    let relayed = 0;
    // The rows done with are deleted (committed) even when a later one failed.
    const failure = await this.pool.transaction(async (db) => {
      const lock = await db.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1) AS locked',
        [RELAY_LOCK_KEY],
      );
      if (!lock.rows[0].locked) return undefined;
      const { rows } = await db.query<OutboxRow>(
        `SELECT id, topic, key, event_type, event_id, source, payload->>'time' AS time,
                payload->>'partner' AS partner, payload::text AS payload
         FROM outbox_event ORDER BY id LIMIT $1`,
        [BATCH_SIZE],
      );
      if (rows.length === 0) return undefined;
      const events = rows.map((row): OutgoingEvent => ({
        topic: row.topic,
        key: row.key,
        type: row.event_type,
        id: row.event_id,
        source: row.source,
        time: row.time,
        partner: row.partner,
        value: row.payload,
      }));
      const rowIds = new Map(events.map((event, i) => [event, rows[i].id]));
      const done: string[] = [];
      let error: Error | undefined;
      try {
        await publishIsolatingRefusals(
          this.publisher,
          events.slice(
            0,
            batchEnd(events.map(recordBytes), 0, BATCH_SIZE, this.config.kafka.batchMaxBytes),
          ),
          (published) => {
            for (const event of published) done.push(rowIds.get(event) as string);
            const perTopic = new Map<string, number>();
            for (const event of published) {
              perTopic.set(event.topic, (perTopic.get(event.topic) ?? 0) + 1);
            }
            for (const [topic, count] of perTopic)
              this.metrics.eventsPublished.inc({ topic }, count);
          },
          async (event, refusal) => {
            const id = rowIds.get(event) as string;
            const passes = this.refused?.id === id ? this.refused.passes + 1 : 1;
            if (passes < PASSES_BEFORE_PARKING) {
              this.refused = { id, passes };
              throw new Error(
                `Kafka refused outbox event ${event.id} (${passes} of ${PASSES_BEFORE_PARKING} passes before it is parked): ${refusal.problem}`,
              );
            }
            await this.parking.park(event, refusal, 'outbox');
            this.refused = undefined;
            done.push(id);
          },
        );
      } catch (thrown) {
        error = thrown as Error;
      }
      if (done.length > 0) {
        await db.query('DELETE FROM outbox_event WHERE id = ANY($1::bigint[])', [done]);
      }
      relayed = done.length;
      return error;
    });
    if (failure) throw failure;
    return relayed;
  }

  /** Rows waiting and the age of the oldest, from the table itself, so as any instance sees them. */
  private async countGauges(): Promise<void> {
    if (performance.now() - this.gaugesCountedAt < GAUGES_EVERY_MS) return;
    const { rows } = await this.pool.query<{ depth: number; age: number }>(
      `SELECT count(*)::int AS depth,
              coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age
       FROM outbox_event`,
    );
    this.metrics.outboxDepth.set(rows[0].depth);
    this.metrics.outboxOldestAge.set(Math.max(0, rows[0].age));
    this.gaugesCountedAt = performance.now();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let relayed: number;
      try {
        await this.countGauges();
        relayed = await this.relayOnce();
        failures = 0;
      } catch (error) {
        const delay = backoffDelay(failures++, RETRY);
        this.log.warn(
          { err: error, retryInMs: delay },
          'outbox relay failed; the events stay in the outbox',
        );
        await this.pause(delay);
        continue;
      }
      if (relayed === 0) await this.pause(IDLE_POLL_MS);
    }
  }

  /** Waits `ms`, or until `wake()`, or not at all when woken since the pass began. */
  private async pause(ms: number): Promise<void> {
    if (this.wokenDuringPass) {
      this.wokenDuringPass = false;
      return;
    }
    this.wakeUp = new AbortController();
    // A shutdown that began during the relay pass had no wait to end.
    if (this.running) await sleep(ms, this.wakeUp.signal);
    this.wokenDuringPass = false;
  }
}
