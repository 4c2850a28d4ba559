import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Logger } from 'pino';
import { backoffDelay, type BackoffPolicy, sleep } from '../common';
import { PgPool } from '../database';
import { InjectRootLogger, Metrics } from '../observability';
import { EventPublisher } from './event-publisher';

/** Only one instance relays at a time, so the outbox leaves in commit order. */
const RELAY_LOCK_KEY = 73_001_001;
const BATCH_SIZE = 500;
const IDLE_POLL_MS = 1_000;
const RETRY: BackoffPolicy = { minMs: 250, maxMs: 10_000, jitter: 0 };

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  event_type: string;
  event_id: string;
  partner: string | null;
  payload: string;
}

/**
 * Moves outbox rows to Kafka: publishes a batch, waits for the acknowledgement, then deletes the
 * rows, all inside one transaction. When Kafka is down the transaction rolls back and the rows stay
 * for the next attempt, so every event is delivered at least once.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private loop?: Promise<void>;
  private wakeUp = new AbortController();
  private readonly log: Logger;

  constructor(
    private readonly pool: PgPool,
    private readonly publisher: EventPublisher,
    @InjectRootLogger() logger: Logger,
    private readonly metrics: Metrics,
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
    this.wakeUp.abort();
  }

  /**
   * Relays one batch; answers how many events left. Plain `pg` with the payload read as text: the
   * relay carries every consent and command audit event, and Prisma's row decoding plus a second
   * JSON round trip per event cost the event loop several times more.
   */
  async relayOnce(): Promise<number> {
    return this.pool.transaction(async (db) => {
      const lock = await db.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1) AS locked',
        [RELAY_LOCK_KEY],
      );
      if (!lock.rows[0].locked) return 0;
      const { rows } = await db.query<OutboxRow>(
        `SELECT id, topic, key, event_type, event_id, payload->>'partner' AS partner, payload::text AS payload
         FROM outbox_event ORDER BY id LIMIT $1`,
        [BATCH_SIZE],
      );
      if (rows.length === 0) return 0;
      await this.publisher.publish(
        rows.map((row) => ({
          topic: row.topic,
          key: row.key,
          type: row.event_type,
          id: row.event_id,
          partner: row.partner,
          value: row.payload,
        })),
      );
      const perTopic = new Map<string, number>();
      for (const row of rows) perTopic.set(row.topic, (perTopic.get(row.topic) ?? 0) + 1);
      for (const [topic, count] of perTopic) this.metrics.eventsPublished.inc({ topic }, count);
      await db.query('DELETE FROM outbox_event WHERE id = ANY($1::bigint[])', [
        rows.map((row) => row.id),
      ]);
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let relayed: number;
      try {
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
      if (relayed < BATCH_SIZE) await this.pause(IDLE_POLL_MS);
    }
  }

  /** Waits `ms`, or until `wake()`; a wake-up ends only the wait in progress. */
  private async pause(ms: number): Promise<void> {
    this.wakeUp = new AbortController();
    // A shutdown that began during the relay pass had no wait to end.
    if (this.running) await sleep(ms, this.wakeUp.signal);
  }
}
