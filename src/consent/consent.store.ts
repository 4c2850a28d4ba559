import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { PgPool } from '../database';
import { outboxInsert, type TopicRouter } from '../publish';
import { Consent, ConsentCallback, ConsentChange, ConsentScope, decideChange } from './consent';
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

export interface AppliedConsentChange {
  change: ConsentChange | 'unchanged';
  consent: Consent | null;
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

/**
 * Consents, their history and hosts, read and written with plain `pg` alike: the write is one
 * hand-written statement for speed (see `apply`).
 */
@Injectable()
export class ConsentStore {
  constructor(private readonly pool: PgPool) {}

  /**
   * Applies one verified callback in a single transaction: the consent row, its history entry, the
   * host record, the consent event in the outbox and the change notification all commit together or
   * not at all. Callbacks for one device are serialized by an advisory lock.
   */
  async apply(
    callback: ConsentCallback,
    audit: { rawBody: unknown; verification: TrustVerification; topics: TopicRouter },
  ): Promise<AppliedConsentChange> {
    return this.pool.transaction(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `consent:${callback.deviceId}`,
      ]);
      const before = await findConsent(db, callback.deviceId);
      const change = decideChange(before, callback);
      if (change === 'unchanged') return { change, consent: before };

      const now = new Date();
      const after: Consent | null =
        change === 'revoked'
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
      const current = (after ?? before) as Consent;
      // A device that moves to another partner is revoked for the one it leaves, in the history and
      // on that partner's consent topic, and granted afresh to the other.
      const left = change === 'granted' ? before : null;
      const previous = left ? null : before;
      const events = [consentEvent(change, previous, after, { id: randomUUID(), time: now })];
      if (left)
        events.unshift(consentEvent('revoked', left, null, { id: randomUUID(), time: now }));
      // One statement writes the consent, the audit trail, the outbox, the host record and the
      // notification: fewer round trips while the device's lock is held. The host insert takes no
      // row lock (DO NOTHING), so callbacks for many devices on one host do not queue on it.
      const writeConsent = after
        ? `INSERT INTO device_consent (device_id, owner_user_id, device_type, device_code, scope, host, channel_names, partner_id, granted_at, updated_at)
           VALUES ($1, $5, $13, $14, $3, $6, $15, $12, $16, $9)
           ON CONFLICT (device_id) DO UPDATE SET owner_user_id = $5, device_type = $13, device_code = $14,
             scope = $3, host = $6, channel_names = $15, partner_id = $12, granted_at = $16, updated_at = $9`
        : 'DELETE FROM device_consent WHERE device_id = $1';
      const parameters = [
        callback.deviceId,
        change,
        after?.scope ?? null,
        previous?.scope ?? null,
        current.ownerUserId,
        current.host,
        JSON.stringify(audit.rawBody),
        JSON.stringify(audit.verification),
        now,
        CONSENT_CHANNEL,
        writeConsentNotice(callback.deviceId, after),
        current.partnerId,
        ...(after ? [after.deviceType, after.deviceCode, after.channelNames, after.grantedAt] : []),
        ...(left ? [left.scope, left.ownerUserId, left.host, left.partnerId] : []),
      ];
      const leftHistory = left ? `($1, 'revoked', NULL, $17, $18, $19, $7, $8, $9, $20), ` : '';
      const outbox = outboxInsert(
        events.map((event) => ({
          topic: audit.topics.topicsOf(event.partner).consent,
          key: callback.deviceId,
          event,
        })),
        parameters.length + 1,
      );
      await db.query(
        `WITH consent AS (
           ${writeConsent}
         ), history AS (
           INSERT INTO consent_history (device_id, change, scope, previous_scope, owner_user_id, host, callback, verification, recorded_at, partner_id)
           VALUES ${leftHistory}($1, $2, $3, $4, $5, $6, $7, $8, $9, $12)
         ), outbox AS (
           ${outbox.sql}
         ), host AS (
           INSERT INTO shelly_host (name) VALUES ($6) ON CONFLICT (name) DO NOTHING
         )
         SELECT pg_notify($10, $11)`,
        [...parameters, ...outbox.parameters],
      );
      return { change, consent: after };
    });
  }

  find(deviceId: string): Promise<Consent | null> {
    return findConsent(this.pool, deviceId);
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
