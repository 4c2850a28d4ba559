import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { PgPool } from '../database';
import { eventSources, outboxInsert, type TopicRouter } from '../publish';
import {
  Consent,
  ConsentCallback,
  ConsentChange,
  ConsentScope,
  decideChange,
  decideTokenUse,
  VersionedConsent,
} from './consent';
import { consentEvent } from './consent-event';
import { writeConsentNotice } from './consent-notice';
import { TrustVerification } from './scl-trust.verifier';

/** Postgres channel that announces a device's consent change to every instance. */
export const CONSENT_CHANNEL = 'device_consent_changed';

export interface ConsentFilter {
  partnerId?: string;
  ownerUserId?: number;
  host?: string;
  scope?: ConsentScope;
}

export interface ConsentHistoryEntry {
  change: ConsentChange;
  partnerId: string;
  scope: ConsentScope | null;
  previousScope: ConsentScope | null;
  ownerUserId: number;
  host: string;
  callback: unknown;
  verification: unknown;
  recordedAt: Date;
}

/** What Shelly's cloud says changed: the consent is gone, or some of its fields differ. */
export type UpstreamChange =
  | { action: 'revoke' }
  | {
      action: 'update';
      fields: Partial<Pick<Consent, 'scope' | 'host' | 'deviceType' | 'deviceCode'>>;
    };

export interface AppliedConsentChange {
  change: ConsentChange | 'unchanged';
  consent: Consent | null;
  /** The version of the change (see `ConsentCache.set`); null when nothing changed. */
  version: number | null;
}

interface TokenRow {
  seen_callback_hash: string | null;
  newest_issued_at: Date | null;
}

/** A statement's parameters, numbered as they are added. */
class Statement {
  readonly parameters: unknown[] = [];

  add(value: unknown): string {
    this.parameters.push(value);
    return `$${this.parameters.length}`;
  }
}

const consentColumns =
  'device_id, owner_user_id, device_type, device_code, scope, host, channel_names, partner_id, granted_at, updated_at';

interface ConsentRow {
  device_id: string;
  /** `pg` reads a bigint as a string. */
  owner_user_id: string;
  device_type: string | null;
  device_code: string | null;
  scope: string;
  host: string;
  channel_names: string[];
  partner_id: string;
  granted_at: Date;
  updated_at: Date;
}

function consentFromRow(row: ConsentRow): Consent {
  return {
    deviceId: row.device_id,
    ownerUserId: Number(row.owner_user_id),
    deviceType: row.device_type,
    deviceCode: row.device_code,
    scope: row.scope as ConsentScope,
    host: row.host,
    channelNames: row.channel_names,
    partnerId: row.partner_id,
    grantedAt: row.granted_at,
    updatedAt: row.updated_at,
  };
}

interface ConsentHistoryRow {
  change: string;
  partner_id: string;
  scope: string | null;
  previous_scope: string | null;
  owner_user_id: string;
  host: string;
  callback: unknown;
  verification: unknown;
  recorded_at: Date;
}

function historyEntryFromRow(row: ConsentHistoryRow): ConsentHistoryEntry {
  return {
    change: row.change as ConsentChange,
    partnerId: row.partner_id,
    scope: row.scope as ConsentScope | null,
    previousScope: row.previous_scope as ConsentScope | null,
    ownerUserId: Number(row.owner_user_id),
    host: row.host,
    callback: row.callback,
    verification: row.verification,
    recordedAt: row.recorded_at,
  };
}

async function findConsent(db: Pool | PoolClient, deviceId: string): Promise<Consent | null> {
  const { rows } = await db.query<ConsentRow>(
    `SELECT ${consentColumns} FROM device_consent WHERE device_id = $1`,
    [deviceId],
  );
  return rows[0] ? consentFromRow(rows[0]) : null;
}

interface ConsentWrite {
  /** The statement that records the callback's token, written with the change. */
  token?: string;
  deviceId: string;
  before: Consent | null;
  after: Consent | null;
  change: ConsentChange;
  callback: unknown;
  verification: unknown;
  version: number;
  now: Date;
  topics: TopicRouter;
  /** The CloudEvents source of the change's events: the input it came through. */
  eventSource: string;
}

/**
 * Writes one consent change in one statement: the token record (for a callback), the consent, the
 * audit trail, the outbox, the host record and the notification: fewer round trips while the
 * device's lock is held. The host insert takes no row lock (DO NOTHING), so changes for many devices
 * on one host do not queue on it.
 */
async function writeChange(db: PoolClient, sql: Statement, write: ConsentWrite): Promise<void> {
  const { before, after, change, now } = write;
  const current = (after ?? before) as Consent;
  // A device that moves to another partner is revoked for the one it leaves, in the history and
  // on that partner's consent topic, and granted afresh to the other.
  const left = change === 'granted' ? before : null;
  const previous = left ? null : before;
  const events = [consentEvent(change, previous, after, { id: randomUUID(), time: now })];
  if (left) events.unshift(consentEvent('revoked', left, null, { id: randomUUID(), time: now }));

  const deviceId = sql.add(write.deviceId);
  const [callback, verification, recordedAt] = [
    sql.add(JSON.stringify(write.callback)),
    sql.add(JSON.stringify(write.verification)),
    sql.add(now),
  ];
  const historyRow = (entry: {
    change: string;
    scope: string | null;
    previousScope: string | null;
    consent: Consent;
  }) =>
    `(${deviceId}, ${sql.add(entry.change)}, ${sql.add(entry.scope)}, ${sql.add(entry.previousScope)},
      ${sql.add(entry.consent.ownerUserId)}, ${sql.add(entry.consent.host)}, ${callback}, ${verification},
      ${recordedAt}, ${sql.add(entry.consent.partnerId)})`;
  const history = [
    ...(left
      ? [historyRow({ change: 'revoked', scope: null, previousScope: left.scope, consent: left })]
      : []),
    historyRow({
      change,
      scope: after?.scope ?? null,
      previousScope: previous?.scope ?? null,
      consent: current,
    }),
  ];
  const writeConsent = after
    ? `INSERT INTO device_consent (device_id, owner_user_id, device_type, device_code, scope, host,
                                  channel_names, partner_id, granted_at, updated_at, version)
       VALUES (${deviceId}, ${sql.add(after.ownerUserId)}, ${sql.add(after.deviceType)},
               ${sql.add(after.deviceCode)}, ${sql.add(after.scope)}, ${sql.add(after.host)},
               ${sql.add(after.channelNames)}, ${sql.add(after.partnerId)}, ${sql.add(after.grantedAt)},
               ${recordedAt}, ${sql.add(write.version)})
       ON CONFLICT (device_id) DO UPDATE SET owner_user_id = EXCLUDED.owner_user_id,
         device_type = EXCLUDED.device_type, device_code = EXCLUDED.device_code,
         scope = EXCLUDED.scope, host = EXCLUDED.host, channel_names = EXCLUDED.channel_names,
         partner_id = EXCLUDED.partner_id, granted_at = EXCLUDED.granted_at,
         updated_at = EXCLUDED.updated_at, version = EXCLUDED.version`
    : `DELETE FROM device_consent WHERE device_id = ${deviceId}`;
  const outbox = outboxInsert(
    events.map((event) => ({
      topic: write.topics.topicsOf(event.partner).consent,
      key: write.deviceId,
      source: write.eventSource,
      event,
    })),
    sql.parameters.length + 1,
  );
  sql.parameters.push(...outbox.parameters);
  await db.query(
    `WITH ${write.token ? `token AS (${write.token}), ` : ''}consent AS (
       ${writeConsent}
     ), history AS (
       INSERT INTO consent_history (device_id, change, scope, previous_scope, owner_user_id, host,
                                    callback, verification, recorded_at, partner_id)
       VALUES ${history.join(', ')}
     ), outbox AS (
       ${outbox.sql}
     ), host AS (
       INSERT INTO shelly_host (name) VALUES (${sql.add(current.host)}) ON CONFLICT (name) DO NOTHING
     )
     SELECT pg_notify(${sql.add(CONSENT_CHANNEL)}, ${sql.add(writeConsentNotice(write.deviceId, after, write.version))})`,
    sql.parameters,
  );
}

/**
 * Consents, their history and hosts, read and written with plain `pg` alike: the write is one
 * hand-written statement for speed (see `apply`).
 */
@Injectable()
export class ConsentStore {
  constructor(private readonly pool: PgPool) {}

  /**
   * Applies one verified callback in a single transaction: the token record, the consent row, its
   * history entry, the host record, the consent event in the outbox and the change notification all
   * commit together or not at all. Callbacks for one device are serialized by an advisory lock, under
   * which the token is checked against the ones accepted before (see `decideTokenUse`).
   */
  async apply(
    callback: ConsentCallback,
    audit: { rawBody: unknown; verification: TrustVerification; topics: TopicRouter },
  ): Promise<AppliedConsentChange> {
    const { verification } = audit;
    const callbackHash = createHash('sha256')
      .update(`${callback.partnerId}\n${JSON.stringify(audit.rawBody)}`)
      .digest('hex');
    return this.pool.transaction(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `consent:${callback.deviceId}`,
      ]);
      const { rows } = await db.query<ConsentRow & TokenRow & { next_version: string }>(
        `SELECT nextval('consent_version_seq') AS next_version,
           (SELECT callback_hash FROM consent_callback_token WHERE token_hash = $2) AS seen_callback_hash,
           (SELECT max(issued_at) FROM consent_callback_token WHERE device_id = $1) AS newest_issued_at,
           ${consentColumns.replace(/(\w+)/g, 'c.$1')}
         FROM (SELECT 1) AS one LEFT JOIN device_consent c ON c.device_id = $1`,
        [callback.deviceId, verification.tokenHash],
      );
      const row = rows[0];
      const before = row.device_id === null ? null : consentFromRow(row);
      const issuedAt = new Date(verification.issuedAt);
      const tokenUse = decideTokenUse(
        { seenCallbackHash: row.seen_callback_hash, newestIssuedAt: row.newest_issued_at },
        { callbackHash, issuedAt },
      );
      const unchanged = { change: 'unchanged' as const, consent: before, version: null };
      if (tokenUse === 'repeat') return unchanged;

      const sql = new Statement();
      const token = `INSERT INTO consent_callback_token (token_hash, device_id, callback_hash, issued_at, expires_at)
         VALUES (${sql.add(verification.tokenHash)}, ${sql.add(callback.deviceId)}, ${sql.add(callbackHash)},
                 ${sql.add(issuedAt)}, ${sql.add(new Date(verification.expiresAt))})`;
      const change = decideChange(before, callback);
      if (change === 'unchanged') {
        await db.query(token, sql.parameters);
        return unchanged;
      }

      const version = Number(row.next_version);
      const now = new Date();
      const after: Consent | null =
        callback.action === 'remove'
          ? null
          : {
              deviceId: callback.deviceId,
              ownerUserId: callback.ownerUserId,
              deviceType: callback.deviceType,
              deviceCode: callback.deviceCode,
              scope: callback.scope,
              host: callback.host,
              channelNames: callback.channelNames,
              partnerId: callback.partnerId,
              grantedAt: change === 'granted' ? now : (before?.grantedAt ?? now),
              updatedAt: now,
            };
      await writeChange(db, sql, {
        token,
        deviceId: callback.deviceId,
        before,
        after,
        change,
        callback: audit.rawBody,
        verification,
        version,
        now,
        topics: audit.topics,
        eventSource: eventSources.consentCallback,
      });
      return { change, consent: after, version };
    });
  }

  /**
   * Applies what Shelly's cloud said of a device outside a callback (a `DeviceVerify` answer, an
   * `unsubscribe_device`), in one transaction like `apply`: consent row, history entry with
   * `source` (kept in its `verification` column), outbox event (with `eventSource` as its CloudEvents
   * source), host record and notification. `seen` is the consent the caller acted on: when the
   * device's consent has changed since (or is gone), nothing is written, as the answer may be about
   * the consent that was replaced.
   */
  async applyUpstream(
    seen: Consent,
    change: UpstreamChange,
    audit: { source: unknown; eventSource: string; topics: TopicRouter },
  ): Promise<AppliedConsentChange> {
    return this.pool.transaction(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`consent:${seen.deviceId}`]);
      const { rows } = await db.query<ConsentRow & { next_version: string }>(
        `SELECT nextval('consent_version_seq') AS next_version, ${consentColumns}
         FROM device_consent WHERE device_id = $1`,
        [seen.deviceId],
      );
      const before = rows[0] ? consentFromRow(rows[0]) : null;
      const unchanged = { change: 'unchanged' as const, consent: before, version: null };
      if (!before || before.updatedAt.getTime() !== seen.updatedAt.getTime()) return unchanged;
      const now = new Date();
      const after: Consent | null =
        change.action === 'revoke' ? null : { ...before, ...change.fields, updatedAt: now };
      const decided = after ? decideChange(before, { action: 'add', ...after }) : 'revoked';
      if (decided === 'unchanged') return unchanged;
      const version = Number(rows[0].next_version);
      await writeChange(db, new Statement(), {
        deviceId: seen.deviceId,
        before,
        after,
        change: decided,
        callback: null,
        verification: audit.source,
        version,
        now,
        topics: audit.topics,
        eventSource: audit.eventSource,
      });
      return { change: decided, consent: after, version };
    });
  }

  /** Forgets accepted tokens that have expired: the verifier refuses them anyway. */
  async purgeExpiredTokens(before: Date): Promise<number> {
    const { rowCount } = await this.pool.query(
      'DELETE FROM consent_callback_token WHERE expires_at < $1',
      [before],
    );
    return rowCount ?? 0;
  }

  find(deviceId: string): Promise<Consent | null> {
    return findConsent(this.pool, deviceId);
  }

  /** Every consent with its version, for the caches. */
  async snapshot(): Promise<VersionedConsent[]> {
    const { rows } = await this.pool.query<ConsentRow & { version: string }>(
      `SELECT ${consentColumns}, version FROM device_consent`,
    );
    return rows.map((row) => ({ consent: consentFromRow(row), version: Number(row.version) }));
  }

  async list(filter: ConsentFilter = {}): Promise<Consent[]> {
    const { rows } = await this.pool.query<ConsentRow>(
      `SELECT ${consentColumns} FROM device_consent
       WHERE ($1::bigint IS NULL OR owner_user_id = $1)
         AND ($2::text IS NULL OR host = $2)
         AND ($3::text IS NULL OR scope = $3)
         AND ($4::text IS NULL OR partner_id = $4)
       ORDER BY device_id`,
      [
        filter.ownerUserId ?? null,
        filter.host ?? null,
        filter.scope ?? null,
        filter.partnerId ?? null,
      ],
    );
    return rows.map(consentFromRow);
  }

  /**
   * Every device and partner whose consent has ended (the partner's last change of the device is a
   * revoke, and the device is not that partner's again), from the history.
   */
  async endedConsents(): Promise<{ deviceId: string; partnerId: string }[]> {
    const { rows } = await this.pool.query<{ device_id: string; partner_id: string }>(
      `SELECT last.device_id, last.partner_id
       FROM (SELECT DISTINCT ON (device_id, partner_id) device_id, partner_id, change
             FROM consent_history ORDER BY device_id, partner_id, id DESC) AS last
       WHERE last.change = 'revoked'
         AND NOT EXISTS (SELECT 1 FROM device_consent c
                         WHERE c.device_id = last.device_id AND c.partner_id = last.partner_id)`,
    );
    return rows.map((row) => ({ deviceId: row.device_id, partnerId: row.partner_id }));
  }

  /** A device's history, or only the part of it that concerns one partner. */
  async history(deviceId: string, partnerId?: string): Promise<ConsentHistoryEntry[]> {
    const { rows } = await this.pool.query<ConsentHistoryRow>(
      `SELECT change, partner_id, scope, previous_scope, owner_user_id, host, callback, verification, recorded_at
       FROM consent_history WHERE device_id = $1 AND ($2::text IS NULL OR partner_id = $2) ORDER BY id`,
      [deviceId, partnerId ?? null],
    );
    return rows.map(historyEntryFromRow);
  }
}
