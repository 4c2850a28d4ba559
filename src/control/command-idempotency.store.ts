import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Logger } from 'pino';
import { PgPool } from '../database';
import { InjectRootLogger } from '../observability';
import { StoredAnswer } from './command-idempotency';

const EXPIRED = `created_at < now() - interval '24 hours'`;
const PURGE_INTERVAL_MS = 10 * 60_000;
const PURGE_BATCH = 1_000;

/** What became of a claim: taken, or what holds the key. */
export type Claim =
  | { kind: 'claimed' }
  | { kind: 'answered'; answer: StoredAnswer }
  | { kind: 'in_progress' }
  | { kind: 'other_request' };

interface HeldRow {
  request_hash: string;
  status: 'in_progress' | 'completed';
  response_status: number | null;
  response_body: StoredAnswer['body'] | null;
}

/**
 * Idempotency keys of command requests in Postgres, per API key. A key is claimed by one statement
 * that inserts it, or takes over a row older than 24 h, so that of two requests with the same key,
 * on any instances, exactly one runs. The claim then either keeps the answer or is released.
 * Expired rows are deleted every 10 minutes in bounded batches, off the command path.
 */
@Injectable()
export class CommandIdempotencyStore implements OnApplicationBootstrap, OnModuleDestroy {
  private purgeTimer?: NodeJS.Timeout;
  private purging?: Promise<void>;
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly pool: PgPool,
    @InjectRootLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'command-idempotency' });
  }

  onApplicationBootstrap(): void {
    this.purgeTimer = setInterval(() => {
      this.purging ??= this.purgeInBackground().finally(() => (this.purging = undefined));
    }, PURGE_INTERVAL_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.purgeTimer);
    await this.purging;
  }

  async claim(apiKeyId: string, idempotencyKey: string, requestHash: string): Promise<Claim> {
    const taken = await this.pool.query(
      `INSERT INTO command_idempotency (api_key_id, idempotency_key, request_hash, status)
       VALUES ($1, $2, $3, 'in_progress')
       ON CONFLICT (api_key_id, idempotency_key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status = 'in_progress',
             response_status = NULL, response_body = NULL, created_at = now()
         WHERE command_idempotency.${EXPIRED}`,
      [apiKeyId, idempotencyKey, requestHash],
    );
    if (taken.rowCount === 1) return { kind: 'claimed' };
    const { rows } = await this.pool.query<HeldRow>(
      `SELECT request_hash, status, response_status, response_body FROM command_idempotency
       WHERE api_key_id = $1 AND idempotency_key = $2`,
      [apiKeyId, idempotencyKey],
    );
    const held = rows[0];
    // Released since the insert: the request that held it ended without sending, so a retry may.
    if (!held) return { kind: 'in_progress' };
    if (held.request_hash !== requestHash) return { kind: 'other_request' };
    if (held.status === 'in_progress') return { kind: 'in_progress' };
    return {
      kind: 'answered',
      answer: { status: held.response_status!, body: held.response_body! },
    };
  }

  async complete(apiKeyId: string, idempotencyKey: string, answer: StoredAnswer): Promise<void> {
    await this.pool.query(
      `UPDATE command_idempotency
       SET status = 'completed', response_status = $3, response_body = $4
       WHERE api_key_id = $1 AND idempotency_key = $2 AND status = 'in_progress'`,
      [apiKeyId, idempotencyKey, answer.status, JSON.stringify(answer.body)],
    );
  }

  async release(apiKeyId: string, idempotencyKey: string): Promise<void> {
    await this.pool.query(
      `DELETE FROM command_idempotency
       WHERE api_key_id = $1 AND idempotency_key = $2 AND status = 'in_progress'`,
      [apiKeyId, idempotencyKey],
    );
  }

  /** Deletes the expired rows, a batch per statement; answers how many. */
  async purgeExpired(): Promise<number> {
    let purged = 0;
    while (!this.stopped) {
      // SKIP LOCKED: instances purging at the same moment take different rows instead of waiting.
      const { rowCount } = await this.pool.query(
        `DELETE FROM command_idempotency WHERE (api_key_id, idempotency_key) IN (
           SELECT api_key_id, idempotency_key FROM command_idempotency
           WHERE ${EXPIRED} LIMIT $1 FOR UPDATE SKIP LOCKED)`,
        [PURGE_BATCH],
      );
      purged += rowCount ?? 0;
      if ((rowCount ?? 0) < PURGE_BATCH) break;
    }
    return purged;
  }

  private async purgeInBackground(): Promise<void> {
    try {
      const purged = await this.purgeExpired();
      if (purged > 0) this.log.debug({ purged }, 'expired idempotency keys purged');
    } catch (error) {
      this.log.warn({ err: error }, 'expired idempotency keys could not be purged; next time');
    }
  }
}
