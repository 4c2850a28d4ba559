import { Injectable } from '@nestjs/common';
import { PgPool } from '../database';

export interface LeaseRound {
  /** The keys this replica holds, renewed. */
  owned: string[];
  /** Live replicas, this one included. */
  replicas: number;
  /** Of the wanted keys, those without a live lease. */
  withoutOwner: number;
}

/** Replicas not seen for this long are forgotten. */
const FORGET_REPLICAS_AFTER = '1 day';

/**
 * Session leases in Postgres. Every time is the database's `now()`, so the replicas' clocks never
 * meet; a replica only learns how long its lease lasts from when it sent the statement.
 */
@Injectable()
export class LeaseStore {
  constructor(private readonly pool: PgPool) {}

  /** The replica's heartbeat, the renewal of all it holds, and the count of live replicas, at once. */
  async round(
    replica: { id: string; address: string },
    durationMs: number,
    wanted: readonly string[],
  ): Promise<LeaseRound> {
    const { rows } = await this.pool.query<{
      owned: string[];
      replicas: string;
      without_owner: string;
    }>(
      `WITH beat AS (
         INSERT INTO service_replica (id, address, seen_at) VALUES ($1, $4, now())
         ON CONFLICT (id) DO UPDATE SET seen_at = now()
       ), forgotten AS (
         DELETE FROM service_replica WHERE seen_at < now() - interval '${FORGET_REPLICAS_AFTER}'
       ), renewed AS (
         UPDATE session_lease SET expires_at = now() + make_interval(secs => $2 / 1000.0)
         WHERE owner = $1 RETURNING session_key
       )
       SELECT ARRAY(SELECT session_key FROM renewed) AS owned,
              1 + (SELECT count(*) FROM service_replica
                   WHERE id <> $1 AND seen_at > now() - make_interval(secs => $2 / 1000.0)) AS replicas,
              (SELECT count(*) FROM unnest($3::text[]) AS key
               WHERE NOT EXISTS (SELECT 1 FROM session_lease l
                                 WHERE l.session_key = key AND l.expires_at > now())) AS without_owner`,
      [replica.id, durationMs, wanted, replica.address],
    );
    const [row] = rows;
    return {
      owned: row.owned,
      replicas: Number(row.replicas),
      withoutOwner: Number(row.without_owner),
    };
  }

  /**
   * Takes up to `limit` of `candidates` that no live lease holds, in random order so that replicas
   * racing for them spread; answers those taken, and whether each was a takeover of an expired one.
   */
  async acquire(
    replica: string,
    candidates: readonly string[],
    limit: number,
    durationMs: number,
  ): Promise<{ key: string; takeover: boolean }[]> {
    const { rows } = await this.pool.query<{ session_key: string; takeover: boolean }>(
      `WITH free AS (
         SELECT key FROM unnest($2::text[]) AS key
         WHERE NOT EXISTS (SELECT 1 FROM session_lease l
                           WHERE l.session_key = key AND l.expires_at > now())
         ORDER BY random() LIMIT $3
       )
       INSERT INTO session_lease (session_key, owner, epoch, expires_at)
       SELECT key, $1, 1, now() + make_interval(secs => $4 / 1000.0) FROM free
       ON CONFLICT (session_key) DO UPDATE
         SET owner = EXCLUDED.owner, epoch = session_lease.epoch + 1, expires_at = EXCLUDED.expires_at
         WHERE session_lease.expires_at <= now()
       RETURNING session_key, (xmax <> 0) AS takeover`,
      [replica, candidates, limit, durationMs],
    );
    return rows.map((row) => ({ key: row.session_key, takeover: row.takeover }));
  }

  /** The address of the live replica other than `replica` that holds `key`, if one does. */
  async holderAddress(replica: string, key: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ address: string }>(
      `SELECT r.address FROM session_lease l JOIN service_replica r ON r.id = l.owner
       WHERE l.session_key = $1 AND l.owner <> $2 AND l.expires_at > now()`,
      [key, replica],
    );
    return rows[0]?.address;
  }

  /** Gives a key up at once, for another replica to take in its next round. */
  async release(replica: string, key: string): Promise<void> {
    await this.pool.query('DELETE FROM session_lease WHERE session_key = $1 AND owner = $2', [
      key,
      replica,
    ]);
  }

  /** The replica leaves: the others share the keys without it from their next round. */
  async leave(replica: string): Promise<void> {
    await this.pool.query('DELETE FROM service_replica WHERE id = $1', [replica]);
  }
}
