import { Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { backoffDelay, type BackoffPolicy, isDatabaseUnavailable, sleep } from '../common';
import { PgPool } from '../database';
import { InjectRootLogger, Metrics } from '../observability';
import { eventSources, outboxInsert, OutboxRelay, TopicRouter } from '../publish';
import { CommandAuditRecord } from './command-audit';

/** Records wait this long for company, so that one statement writes many. */
const FLUSH_DELAY_MS = 50;
const MAX_BATCH = 500;
/**
 * Beyond this many bytes of unwritten records the control API stops taking commands (fail closed):
 * a few thousand commands, fewer when they carry large RPC parameters.
 */
export const MAX_BACKLOG_BYTES = 8 * 1024 * 1024;
/** What a record weighs besides its command: ids, times, codes, and the objects holding them. */
const RECORD_BYTES_BESIDES_COMMAND = 512;
const RETRY: BackoffPolicy = { minMs: 100, maxMs: 5_000, jitter: 0.1 };
/** How long closing keeps retrying an unreachable database before it gives up. */
const CLOSE_RETRY_MS = 5_000;

/**
 * Writes command audit records to Postgres, and the same records to the outbox for the
 * command-audit topic, in one statement per batch. Answering a command does not wait for its
 * record: records are queued and written within milliseconds, many per statement, so the audit
 * adds no latency to commands. The outbox relay then brings them to Kafka at least once. When the
 * database is unreachable the records wait and are retried; once too many wait, `accepting` turns
 * false and the API refuses commands rather than run them unaudited. `close()` writes what is left.
 */
@Injectable()
export class CommandAuditWriter {
  private queue: CommandAuditRecord[] = [];
  /** Each queued record's weight; parallel to `queue`. */
  private sizes: number[] = [];
  private queuedBytes = 0;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private closing = false;
  private readonly log: Logger;

  constructor(
    private readonly pool: PgPool,
    private readonly relay: OutboxRelay,
    private readonly topics: TopicRouter,
    private readonly metrics: Metrics,
    @InjectRootLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'command-audit' });
  }

  get backlog(): number {
    return this.queue.length;
  }

  get accepting(): boolean {
    return this.queuedBytes < MAX_BACKLOG_BYTES;
  }

  record(record: CommandAuditRecord): void {
    const size = JSON.stringify(record.command).length + RECORD_BYTES_BESIDES_COMMAND;
    this.queue.push(record);
    this.sizes.push(size);
    this.queuedBytes += size;
    if (this.running || this.timer) return;
    if (this.closing || this.queue.length >= MAX_BATCH) this.run();
    else this.timer = setTimeout(() => this.run(), FLUSH_DELAY_MS);
  }

  /** Writes everything queued, retrying for a while; what cannot be written is logged in full. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length > 0) this.run();
    await this.running;
  }

  private run(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) return;
    this.running = this.writeAll().finally(() => {
      this.running = undefined;
      // Records that arrived during the last statement.
      if (this.queue.length > 0 && !this.timer) this.timer = setTimeout(() => this.run(), 0);
    });
  }

  private async writeAll(): Promise<void> {
    let failures = 0;
    let closingSince: number | undefined;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, MAX_BATCH);
      try {
        await this.write(batch);
      } catch (error) {
        if (!isDatabaseUnavailable(error)) {
          const handled = await this.writeOneByOne(batch);
          this.release(handled);
          this.relay.wake();
          if (handled === batch.length) continue;
        }
        if (this.closing) {
          closingSince ??= Date.now();
          if (Date.now() - closingSince > CLOSE_RETRY_MS) {
            this.giveUp(error);
            return;
          }
        }
        this.log.warn(
          { err: error, waiting: this.queue.length },
          'command audit records could not be written; retrying',
        );
        await sleep(backoffDelay(failures++, RETRY));
        continue;
      }
      failures = 0;
      this.release(batch.length);
      this.relay.wake();
    }
  }

  /** The oldest `count` records are done with. */
  private release(count: number): void {
    this.queue.splice(0, count);
    for (const size of this.sizes.splice(0, count)) this.queuedBytes -= size;
  }

  /**
   * A batch the database refused (rather than could not take) holds a record it will never take,
   * e.g. a text it cannot store: each record is written alone, and one refused again goes to the
   * error log in full and is counted, so that it does not hold back the others. Answers how many
   * records were handled before the database became unavailable, if it did.
   */
  private async writeOneByOne(batch: readonly CommandAuditRecord[]): Promise<number> {
    for (const [index, record] of batch.entries()) {
      try {
        await this.write([record]);
      } catch (error) {
        if (isDatabaseUnavailable(error)) return index;
        this.log.error({ err: error, record }, 'the database refused a command audit record');
        this.metrics.recordsDropped.inc({ origin: 'audit', reason: 'refused_by_database' });
      }
    }
    return batch.length;
  }

  /** The last resort on shutdown with the database gone: the records go to the log, not nowhere. */
  private giveUp(error: unknown): void {
    const lost = this.queue;
    this.release(lost.length);
    this.log.error(
      { err: error, records: lost },
      `${lost.length} command audit records could not be written to the database`,
    );
  }

  /**
   * One statement: the outbox rows, and the audit rows taken from the events the outbox answers, so
   * that each record is serialized once.
   */
  private async write(batch: readonly CommandAuditRecord[]): Promise<void> {
    const outbox = outboxInsert(
      batch.map((record) => ({
        topic: this.topics.topicsOf(record.partner).commandAudit,
        key: record.device.id,
        source: eventSources.controlApi,
        event: record,
      })),
      1,
    );
    await this.pool.query(
      `WITH outbox AS (
         ${outbox.sql}
       )
       INSERT INTO command_audit (id, recorded_at, device_id, api_key_id, command, decision, error_code,
                                  consent_scope, trid, outcome, latency_ms, partner_id)
       SELECT (event->>'id')::uuid, (event->>'time')::timestamptz, event->'device'->>'id',
              event->>'apiKeyId', event->'command', event->>'decision', event->>'errorCode',
              event->>'consentScope', (event->>'trid')::int, event->>'outcome',
              (event->>'latencyMs')::float8, event->>'partner'
       FROM outbox`,
      outbox.parameters,
    );
  }
}
