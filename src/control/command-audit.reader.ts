import { Injectable } from '@nestjs/common';
import { PgPool } from '../database';
import { CommandAuditRecord } from './command-audit';

export interface AuditQuery {
  deviceId: string;
  /** Only the attempts made with this partner's keys; `null`: everyone's (an admin key). */
  partnerId: string | null;
  limit: number;
  /** Only attempts recorded before this one (its id): the `next` of the previous page. */
  before?: string;
}

export interface AuditPage {
  commands: CommandAuditRecord[];
  /** Pass as `before` for the next page; null on the last one. */
  next: string | null;
}

/** A device's command audit, newest first, as stored in Postgres. */
@Injectable()
export class CommandAuditReader {
  constructor(private readonly pool: PgPool) {}

  async page(query: AuditQuery): Promise<AuditPage> {
    const { rows } = await this.pool.query<{ record: CommandAuditRecord }>(
      `SELECT json_build_object(
         'type', 'command.audit.v1', 'id', id,
         'time', to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'partner', partner_id, 'device', json_build_object('id', device_id), 'apiKeyId', api_key_id,
         'command', command, 'decision', decision, 'errorCode', error_code,
         'consentScope', consent_scope, 'trid', trid, 'outcome', outcome, 'latencyMs', latency_ms
       ) AS record
       FROM command_audit
       WHERE device_id = $1 AND ($2::text IS NULL OR partner_id = $2)
         AND ($3::uuid IS NULL
              OR (recorded_at, id) < (SELECT recorded_at, id FROM command_audit WHERE id = $3))
       ORDER BY recorded_at DESC, id DESC
       LIMIT $4`,
      [query.deviceId, query.partnerId, query.before ?? null, query.limit + 1],
    );
    const commands = rows.slice(0, query.limit).map((row) => row.record);
    const more = rows.length > query.limit;
    return { commands, next: more ? commands[commands.length - 1].id : null };
  }
}
