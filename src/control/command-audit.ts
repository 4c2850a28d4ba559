import type { ErrorCode } from '../common';
import type { ConsentScope } from '../consent';

/** What the key, scope and consent checks decided. */
export type AuditDecision = 'allowed' | 'denied';

/**
 * How the attempt ended. `denied`: the caller may not (key, scope, consent, rate limit, body);
 * `refused`: Shelly or the device said no, or the device is known to be offline; `timeout`: no
 * answer in time (the command may have run); `error`: allowed, but it could not be delivered.
 */
export type AuditOutcome = 'ok' | 'denied' | 'refused' | 'timeout' | 'error';

/** The `command.audit.v1` record: one per command attempt, in Postgres and on the audit topic. */
export interface CommandAuditRecord {
  type: 'command.audit.v1';
  id: string;
  time: string;
  /** The partner of the key that sent it; null for admin keys and callers without a valid key. */
  partner: string | null;
  device: { id: string };
  apiKeyId: string | null;
  command: Record<string, unknown>;
  decision: AuditDecision;
  errorCode: ErrorCode | null;
  consentScope: ConsentScope | null;
  trid: number | null;
  outcome: AuditOutcome;
  latencyMs: number;
}
