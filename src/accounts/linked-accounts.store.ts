import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PoolClient } from 'pg';
import { PgPool } from '../database';
import { eventSources, outboxInsert, type TopicRouter } from '../publish';
import { accountEvent } from './account-event';
import type { AccountScope } from './link-state';
import type { AccountChange, AccountStatus, LinkedAccount } from './linked-account';

const columns =
  'id, partner_id, shelly_user_id, api_host, scope, status, token_expires_at, linked_at, updated_at';

interface AccountRow {
  id: string;
  partner_id: string;
  /** `pg` reads a bigint as a string. */
  shelly_user_id: string;
  api_host: string;
  scope: string;
  status: string;
  token_expires_at: Date | null;
  linked_at: Date;
  updated_at: Date;
}

function accountFromRow(row: AccountRow): LinkedAccount {
  return {
    id: row.id,
    partnerId: row.partner_id,
    shellyUserId: Number(row.shelly_user_id),
    apiHost: row.api_host,
    scope: row.scope as AccountScope,
    status: row.status as AccountStatus,
    tokenExpiresAt: row.token_expires_at,
    linkedAt: row.linked_at,
    updatedAt: row.updated_at,
  };
}

/** An account whose token a replica claimed to renew, with the token as stored (sealed). */
export interface ClaimedRenewal {
  account: LinkedAccount;
  sealedToken: string;
  tokenVersion: number;
}

/** What the store needs to write a token: sealing it needs the account id, known only inside. */
export interface TokenWrite {
  seal: (accountId: string) => string;
  expiresAt: Date;
  renewAfter: Date;
}

/** The Postgres channel of account changes: the payload is the id of an account that changed. */
export const ACCOUNT_CHANNEL = 'linked_account_changed';

/** A device of a linked account, as a snapshot or a frame named it. */
export interface AccountDevice {
  /** Hex, lowercase, or an `X…` id. */
  deviceId: string;
  model: string | null;
  gen: string | null;
}

/** An active account with the devices known of it. */
export interface ActiveAccount {
  account: LinkedAccount;
  devices: AccountDevice[];
}

function newAccountId(): string {
  return `acc_${randomBytes(12).toString('base64url')}`;
}

/**
 * Linked accounts and pending links in Postgres, read and written with plain `pg`. Every change
 * of an account commits with its event in the outbox, on the partner's consent topic.
 */
@Injectable()
export class LinkedAccountsStore {
  constructor(private readonly pool: PgPool) {}

  async addLinkState(nonce: string, partnerId: string, expiresAt: Date): Promise<void> {
    await this.pool.query(
      'INSERT INTO account_link_state (nonce, partner_id, expires_at) VALUES ($1, $2, $3)',
      [nonce, partnerId, expiresAt],
    );
  }

  /** Uses up a pending link: false when it was used before, has expired or is another partner's. */
  async useLinkState(nonce: string, partnerId: string, now: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'DELETE FROM account_link_state WHERE nonce = $1 AND partner_id = $2 AND expires_at > $3',
      [nonce, partnerId, now],
    );
    return rowCount === 1;
  }

  async purgeLinkStates(now: Date): Promise<number> {
    const { rowCount } = await this.pool.query(
      'DELETE FROM account_link_state WHERE expires_at <= $1',
      [now],
    );
    return rowCount ?? 0;
  }

  /**
   * Links the account to the partner, or links it again (a new token, scope and host, active
   * again), keeping its id; `account.linked.v1` goes out with it.
   */
  async link(
    link: { partnerId: string; shellyUserId: number; apiHost: string; scope: AccountScope },
    token: TokenWrite,
    topics: TopicRouter,
    now: Date,
  ): Promise<LinkedAccount> {
    return this.pool.transaction(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `account:${link.partnerId}:${link.shellyUserId}`,
      ]);
      const { rows: existing } = await db.query<{ id: string }>(
        'SELECT id FROM linked_account WHERE partner_id = $1 AND shelly_user_id = $2',
        [link.partnerId, link.shellyUserId],
      );
      const id = existing[0]?.id ?? newAccountId();
      const { rows } = await db.query<AccountRow>(
        `INSERT INTO linked_account (id, partner_id, shelly_user_id, api_host, scope, status,
                                     access_token, token_expires_at, renew_after, linked_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $9, $9)
         ON CONFLICT (id) DO UPDATE SET api_host = EXCLUDED.api_host, scope = EXCLUDED.scope,
           status = 'active', access_token = EXCLUDED.access_token,
           token_expires_at = EXCLUDED.token_expires_at, renew_after = EXCLUDED.renew_after,
           token_version = linked_account.token_version + 1, updated_at = EXCLUDED.updated_at
         RETURNING ${columns}`,
        [
          id,
          link.partnerId,
          link.shellyUserId,
          link.apiHost,
          link.scope,
          token.seal(id),
          token.expiresAt,
          token.renewAfter,
          now,
        ],
      );
      const account = accountFromRow(rows[0]);
      await this.announce(db, 'linked', account, topics, now);
      return account;
    });
  }

  /**
   * Claims up to `limit` active accounts whose renewal is due, for `claimMs`: another replica's
   * pass skips them meanwhile, and picks them up again if this one died before writing.
   */
  async claimRenewals(now: Date, claimMs: number, limit: number): Promise<ClaimedRenewal[]> {
    const { rows } = await this.pool.query<
      AccountRow & { access_token: string; token_version: number }
    >(
      `UPDATE linked_account SET renew_after = $2
       WHERE id IN (SELECT id FROM linked_account
                    WHERE status = 'active' AND renew_after <= $1
                    ORDER BY renew_after LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING ${columns}, access_token, token_version`,
      [now, new Date(now.getTime() + claimMs), limit],
    );
    return rows.map((row) => ({
      account: accountFromRow(row),
      sealedToken: row.access_token,
      tokenVersion: row.token_version,
    }));
  }

  /** Writes a renewed token; false when the account was relinked, unlinked or renewed meanwhile. */
  async renewed(claim: ClaimedRenewal, token: TokenWrite, now: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE linked_account SET access_token = $3, token_expires_at = $4, renew_after = $5,
         token_version = token_version + 1, updated_at = $6
       WHERE id = $1 AND token_version = $2 AND status = 'active'`,
      [
        claim.account.id,
        claim.tokenVersion,
        token.seal(claim.account.id),
        token.expiresAt,
        token.renewAfter,
        now,
      ],
    );
    return rowCount === 1;
  }

  /**
   * Shelly refused to renew the token: it is dropped, and the account waits for its user to link
   * it again. Null when the account changed meanwhile.
   */
  async requireRelink(
    claim: ClaimedRenewal,
    reason: string,
    topics: TopicRouter,
    now: Date,
  ): Promise<LinkedAccount | null> {
    return this.pool.transaction(async (db) => {
      const { rows } = await db.query<AccountRow>(
        `UPDATE linked_account SET status = 'relink_required', access_token = NULL,
           token_expires_at = NULL, renew_after = NULL, token_version = token_version + 1,
           updated_at = $3
         WHERE id = $1 AND token_version = $2 AND status = 'active'
         RETURNING ${columns}`,
        [claim.account.id, claim.tokenVersion, now],
      );
      if (!rows[0]) return null;
      const account = accountFromRow(rows[0]);
      await this.announce(db, 'relink_required', account, topics, now, reason);
      return account;
    });
  }

  /** Deletes the account with its token; `partnerId` null: any partner's (admin). */
  async unlink(
    id: string,
    partnerId: string | null,
    topics: TopicRouter,
    now: Date,
  ): Promise<LinkedAccount | null> {
    return this.pool.transaction(async (db) => {
      const { rows } = await db.query<AccountRow>(
        `DELETE FROM linked_account WHERE id = $1 AND ($2::text IS NULL OR partner_id = $2)
         RETURNING ${columns}`,
        [id, partnerId],
      );
      if (!rows[0]) return null;
      const account = accountFromRow(rows[0]);
      await this.announce(db, 'unlinked', account, topics, now);
      return account;
    });
  }

  async find(id: string, partnerId: string | null): Promise<LinkedAccount | null> {
    const { rows } = await this.pool.query<AccountRow>(
      `SELECT ${columns} FROM linked_account WHERE id = $1 AND ($2::text IS NULL OR partner_id = $2)`,
      [id, partnerId],
    );
    return rows[0] ? accountFromRow(rows[0]) : null;
  }

  async list(filter: {
    partnerId?: string | null;
    status?: AccountStatus;
  }): Promise<LinkedAccount[]> {
    const { rows } = await this.pool.query<AccountRow>(
      `SELECT ${columns} FROM linked_account
       WHERE ($1::text IS NULL OR partner_id = $1) AND ($2::text IS NULL OR status = $2)
       ORDER BY linked_at, id`,
      [filter.partnerId ?? null, filter.status ?? null],
    );
    return rows.map(accountFromRow);
  }

  /** Every active account with its devices. */
  async activeAccounts(): Promise<ActiveAccount[]> {
    return this.active(null);
  }

  /** The account when it is active, with its devices; null otherwise (unlinked, relink required). */
  async activeAccount(id: string): Promise<ActiveAccount | null> {
    return (await this.active(id))[0] ?? null;
  }

  /**
   * Records devices of the account; those it did not have yet are announced on the account
   * channel. Nothing is recorded for an account that is gone.
   */
  async addDevices(accountId: string, devices: readonly AccountDevice[], now: Date): Promise<void> {
    await this.pool.query(
      `WITH added AS (
         INSERT INTO account_device (account_id, device_id, model, gen, seen_at)
         SELECT $1, d.id, d.model, d.gen, $5
         FROM unnest($2::text[], $3::text[], $4::text[]) AS d(id, model, gen)
         WHERE EXISTS (SELECT 1 FROM linked_account WHERE id = $1)
         ON CONFLICT DO NOTHING RETURNING 1)
       SELECT pg_notify($6, $1) FROM (SELECT 1 FROM added LIMIT 1) AS any_added`,
      [
        accountId,
        devices.map((device) => device.deviceId),
        devices.map((device) => device.model),
        devices.map((device) => device.gen),
        now,
        ACCOUNT_CHANNEL,
      ],
    );
  }

  private async active(id: string | null): Promise<ActiveAccount[]> {
    const { rows } = await this.pool.query<
      AccountRow & { devices: { id: string; model: string | null; gen: string | null }[] }
    >(
      `SELECT ${columns.replace(/(\w+)/g, 'a.$1')},
         coalesce((SELECT json_agg(json_build_object('id', d.device_id, 'model', d.model, 'gen', d.gen))
                   FROM account_device d WHERE d.account_id = a.id), '[]') AS devices
       FROM linked_account a
       WHERE a.status = 'active' AND ($1::text IS NULL OR a.id = $1)`,
      [id],
    );
    return rows.map((row) => ({
      account: accountFromRow(row),
      devices: row.devices.map((device) => ({
        deviceId: device.id,
        model: device.model,
        gen: device.gen,
      })),
    }));
  }

  /** The sealed access token of an active account; null for another status or an unknown id. */
  async sealedToken(id: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ access_token: string }>(
      `SELECT access_token FROM linked_account WHERE id = $1 AND status = 'active'`,
      [id],
    );
    return rows[0]?.access_token ?? null;
  }

  async countByStatus(): Promise<Record<AccountStatus, number>> {
    const { rows } = await this.pool.query<{ status: AccountStatus; count: string }>(
      'SELECT status, count(*) AS count FROM linked_account GROUP BY status',
    );
    const counts: Record<AccountStatus, number> = { active: 0, relink_required: 0 };
    for (const row of rows) counts[row.status] = Number(row.count);
    return counts;
  }

  private async announce(
    db: PoolClient,
    change: AccountChange,
    account: LinkedAccount,
    topics: TopicRouter,
    now: Date,
    reason?: string,
  ): Promise<void> {
    const event = accountEvent(change, account, { id: randomUUID(), time: now, reason });
    const outbox = outboxInsert(
      [
        {
          topic: topics.topicsOf(account.partnerId).consent,
          key: account.id,
          source: eventSources.accounts,
          event,
        },
      ],
      1,
    );
    await db.query(outbox.sql, outbox.parameters);
    await db.query('SELECT pg_notify($1, $2)', [ACCOUNT_CHANNEL, account.id]);
  }
}
