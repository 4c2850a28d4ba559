import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { GroupCommit, PgPool, type Settled } from '../database';
import { eventSources, type OutboxEvent, outboxInsert, type TopicRouter } from '../publish';
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

/** Most callbacks committed in one transaction. */
const CALLBACK_GROUP_MAX = 64;

/** A verified callback waiting for its group's transaction. */
interface PendingCallback {
  callback: ConsentCallback;
  audit: { rawBody: unknown; verification: TrustVerification; topics: TopicRouter };
  callbackHash: string;
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

/** A row of `lock_consent_devices`: a device's consent, an accepted token, or a fresh version. */
type LockedRow = ConsentRow & {
  kind: 'device' | 'token' | 'version';
  newest_issued_at: Date | null;
  token_hash: string | null;
  seen_callback_hash: string | null;
  version: string | null;
};

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

/** A callback's token, recorded with the change it carried (or alone when nothing changed). */
interface TokenWrite {
  tokenHash: string;
  deviceId: string;
  callbackHash: string;
  issuedAt: Date;
  expiresAt: Date;
}

/**
 * Writes consent changes, each of another device, and tokens in one statement: the token records
 * (for callbacks), the consents, the audit trail, the outbox (events in the order of `changes`),
 * the host records and the notifications: fewer round trips while the devices' locks are held. The
 * host insert takes no row lock (DO NOTHING), so changes for many devices on one host do not queue
 * on it.
 */
async function writeChanges(
  db: PoolClient,
  changes: readonly ConsentWrite[],
  tokens: readonly TokenWrite[] = [],
): Promise<void> {
  const sql = new Statement();
  const ctes: string[] = [];
  if (tokens.length > 0) {
    const rows = tokens.map(
      (token) =>
        `(${sql.add(token.tokenHash)}, ${sql.add(token.deviceId)}, ${sql.add(token.callbackHash)},
          ${sql.add(token.issuedAt)}, ${sql.add(token.expiresAt)})`,
    );
    ctes.push(`token AS (
       INSERT INTO consent_callback_token (token_hash, device_id, callback_hash, issued_at, expires_at)
       VALUES ${rows.join(', ')})`);
  }

  const upserts: string[] = [];
  const removed: string[] = [];
  const history: string[] = [];
  const events: OutboxEvent[] = [];
  const hosts = new Set<string>();
  const notices: string[] = [];
  for (const write of changes) {
    const { before, after, change, now } = write;
    const current = (after ?? before) as Consent;
    // A device that moves to another partner is revoked for the one it leaves, in the history and
    // on that partner's consent topic, and granted afresh to the other.
    const left = change === 'granted' ? before : null;
    const previous = left ? null : before;
    const deviceEvents = [consentEvent(change, previous, after, { id: randomUUID(), time: now })];
    if (left) {
      deviceEvents.unshift(consentEvent('revoked', left, null, { id: randomUUID(), time: now }));
    }
    for (const event of deviceEvents) {
      events.push({
        topic: write.topics.topicsOf(event.partner).consent,
        key: write.deviceId,
        source: write.eventSource,
        event,
      });
    }

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
    if (left) {
      history.push(
        historyRow({ change: 'revoked', scope: null, previousScope: left.scope, consent: left }),
      );
    }
    history.push(
      historyRow({
        change,
        scope: after?.scope ?? null,
        previousScope: previous?.scope ?? null,
        consent: current,
      }),
    );
    if (after) {
      upserts.push(
        `(${deviceId}, ${sql.add(after.ownerUserId)}, ${sql.add(after.deviceType)},
          ${sql.add(after.deviceCode)}, ${sql.add(after.scope)}, ${sql.add(after.host)},
          ${sql.add(after.channelNames)}, ${sql.add(after.partnerId)}, ${sql.add(after.grantedAt)},
          ${recordedAt}, ${sql.add(write.version)})`,
      );
    } else {
      removed.push(write.deviceId);
    }
    hosts.add(current.host);
    notices.push(writeConsentNotice(write.deviceId, after, write.version));
  }

  if (upserts.length > 0) {
    ctes.push(`consent AS (
       INSERT INTO device_consent (device_id, owner_user_id, device_type, device_code, scope, host,
                                   channel_names, partner_id, granted_at, updated_at, version)
       VALUES ${upserts.join(', ')}
       ON CONFLICT (device_id) DO UPDATE SET owner_user_id = EXCLUDED.owner_user_id,
         device_type = EXCLUDED.device_type, device_code = EXCLUDED.device_code,
         scope = EXCLUDED.scope, host = EXCLUDED.host, channel_names = EXCLUDED.channel_names,
         partner_id = EXCLUDED.partner_id, granted_at = EXCLUDED.granted_at,
         updated_at = EXCLUDED.updated_at, version = EXCLUDED.version)`);
  }
  if (removed.length > 0) {
    ctes.push(
      `removal AS (DELETE FROM device_consent WHERE device_id = ANY (${sql.add(removed)}::text[]))`,
    );
  }
  if (changes.length > 0) {
    ctes.push(`history AS (
       INSERT INTO consent_history (device_id, change, scope, previous_scope, owner_user_id, host,
                                    callback, verification, recorded_at, partner_id)
       VALUES ${history.join(', ')})`);
    const outbox = outboxInsert(events, sql.parameters.length + 1);
    sql.parameters.push(...outbox.parameters);
    ctes.push(`outbox AS (${outbox.sql})`);
    ctes.push(`host AS (
       INSERT INTO shelly_host (name) SELECT unnest(${sql.add([...hosts])}::text[])
       ON CONFLICT (name) DO NOTHING)`);
  }
  // Notified in the order of the changes; listeners hear them when the transaction commits.
  const channel = notices.length > 0 ? sql.add(CONSENT_CHANNEL) : '';
  const notify = notices.map((notice) => `pg_notify(${channel}, ${sql.add(notice)})`);
  await db.query(`WITH ${ctes.join(', ')} SELECT ${notify.join(', ') || '1'}`, sql.parameters);
}

/**
 * Consents, their history and hosts, read and written with plain `pg` alike: the write is one
 * hand-written statement per group of changes for speed (see `writeChanges`).
 */
@Injectable()
export class ConsentStore {
  private readonly callbacks: GroupCommit<PendingCallback, AppliedConsentChange>;

  constructor(private readonly pool: PgPool) {
    this.callbacks = new GroupCommit(
      (work) => this.pool.transaction(work),
      (db, group) => this.applyGroup(db, group),
      CALLBACK_GROUP_MAX,
    );
  }

  /**
   * Applies one verified callback. Callbacks that arrive while another group's commit is in flight
   * are applied together in one transaction (see `GroupCommit`), each in its order of arrival; each
   * gets its own answer or error. Per callback, the token record, the consent row, its history
   * entry, the host record, the consent event in the outbox and the change notification commit
   * together or not at all. Callbacks for one device are serialized by an advisory lock, under which
   * the token is checked against the ones accepted before (see `decideTokenUse`).
   */
  apply(
    callback: ConsentCallback,
    audit: { rawBody: unknown; verification: TrustVerification; topics: TopicRouter },
  ): Promise<AppliedConsentChange> {
    const callbackHash = createHash('sha256')
      .update(`${callback.partnerId}\n${JSON.stringify(audit.rawBody)}`)
      .digest('hex');
    return this.callbacks.submit({ callback, audit, callbackHash });
  }

  /**
   * One group of callbacks in the transaction given: one round trip locks every device of the group
   * and reads their consents, their tokens and fresh versions (`lock_consent_devices`); then each
   * callback is decided in order against the state the ones before it left (two callbacks of one
   * device in a group see each other), and the group's writes go in one statement (one more per
   * repeated device). A callback refused by its token is answered alone and writes nothing; a
   * failed write throws, and the group is done again callback by callback (see `GroupCommit`).
   */
  private async applyGroup(
    db: PoolClient,
    group: readonly PendingCallback[],
  ): Promise<Settled<AppliedConsentChange>[]> {
    const { rows } = await db.query<LockedRow>(
      'SELECT * FROM lock_consent_devices($1::text[], $2::text[], $3::int)',
      [
        group.map((pending) => pending.callback.deviceId),
        group.map((pending) => pending.audit.verification.tokenHash),
        group.length,
      ],
    );
    const devices = new Map<string, { consent: Consent | null; newestIssuedAt: Date | null }>();
    const seenTokens = new Map<string, string>();
    const versions: number[] = [];
    for (const row of rows) {
      if (row.kind === 'device') {
        devices.set(row.device_id, {
          consent: row.partner_id === null ? null : consentFromRow(row),
          newestIssuedAt: row.newest_issued_at,
        });
      } else if (row.kind === 'token') {
        seenTokens.set(row.token_hash as string, row.seen_callback_hash as string);
      } else {
        versions.push(Number(row.version));
      }
    }
    versions.sort((a, b) => a - b);

    const outcomes: Settled<AppliedConsentChange>[] = [];
    // The writes go in rounds of one statement each; a device's second callback in the group
    // writes in the round after its first, as one statement cannot change a row twice.
    const rounds: { changes: ConsentWrite[]; tokens: TokenWrite[] }[] = [];
    const writesOf = new Map<string, number>();
    const roundOf = (deviceId: string) => {
      const round = writesOf.get(deviceId) ?? 0;
      writesOf.set(deviceId, round + 1);
      rounds[round] ??= { changes: [], tokens: [] };
      return rounds[round];
    };
    for (const { callback, audit, callbackHash } of group) {
      const { verification } = audit;
      const device = devices.get(callback.deviceId) as {
        consent: Consent | null;
        newestIssuedAt: Date | null;
      };
      const before = device.consent;
      const issuedAt = new Date(verification.issuedAt);
      const unchanged = { change: 'unchanged' as const, consent: before, version: null };
      let tokenUse: 'fresh' | 'repeat';
      try {
        tokenUse = decideTokenUse(
          {
            seenCallbackHash: seenTokens.get(verification.tokenHash) ?? null,
            newestIssuedAt: device.newestIssuedAt,
          },
          { callbackHash, issuedAt },
        );
      } catch (error) {
        outcomes.push({ ok: false, error });
        continue;
      }
      if (tokenUse === 'repeat') {
        outcomes.push({ ok: true, value: unchanged });
        continue;
      }
      // The token counts from now on for the callbacks after it in the group.
      seenTokens.set(verification.tokenHash, callbackHash);
      if (!device.newestIssuedAt || device.newestIssuedAt.getTime() < issuedAt.getTime()) {
        device.newestIssuedAt = issuedAt;
      }

      const round = roundOf(callback.deviceId);
      round.tokens.push({
        tokenHash: verification.tokenHash,
        deviceId: callback.deviceId,
        callbackHash,
        issuedAt,
        expiresAt: new Date(verification.expiresAt),
      });
      const change = decideChange(before, callback);
      if (change === 'unchanged') {
        outcomes.push({ ok: true, value: unchanged });
        continue;
      }

      const version = versions.shift() as number;
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
      round.changes.push({
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
      device.consent = after;
      outcomes.push({ ok: true, value: { change, consent: after, version } });
    }
    for (const round of rounds) await writeChanges(db, round.changes, round.tokens);
    return outcomes;
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
      await writeChanges(db, [
        {
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
        },
      ]);
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
