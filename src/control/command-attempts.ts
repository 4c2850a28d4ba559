import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import type { ErrorCode } from '../common';
import type { ConsentScope } from '../consent';
import { InjectRootLogger, Metrics } from '../observability';
import { AuditDecision, AuditOutcome } from './command-audit';
import { CommandAuditWriter } from './command-audit.writer';
import { commandTypes } from './device-command';
import type { ParsedRequest, RequestKind } from './device-request';

/** The state of one attempt as the checks learn more about it, for its audit record. */
export interface Attempt {
  deviceId: string;
  keyId: string;
  /** The key's partner; `null` for admin keys. */
  partnerId: string | null;
  command: Record<string, unknown>;
  commandType: string;
  consentScope: ConsentScope | null;
  trid: number | null;
  /** The request went to Shelly (on a socket, or through the Cloud Control API): it may have run. */
  sent: boolean;
  /** `performance.now()` when the request arrived. */
  receivedAt: number;
  time: Date;
}

/**
 * The record of every command attempt, whatever became of it: a `command.audit.v1` record, the
 * commands metric, and a warning for the ones that failed on the way to the device.
 */
@Injectable()
export class CommandAttempts {
  private readonly log: Logger;

  constructor(
    private readonly audit: CommandAuditWriter,
    private readonly metrics: Metrics,
    @InjectRootLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'send-device-command' });
  }

  /** False while the audit trail cannot be written: commands must not run unaudited. */
  get recording(): boolean {
    return this.audit.accepting;
  }

  open(
    deviceId: string,
    key: { id: string; partnerId: string | null },
    kind: RequestKind,
    parsed: ParsedRequest,
    body: unknown,
    receivedAt: number,
  ): Attempt {
    return {
      deviceId,
      keyId: key.id,
      partnerId: key.partnerId,
      ...auditedCommand(kind, parsed, body),
      consentScope: null,
      trid: null,
      sent: false,
      receivedAt,
      time: new Date(),
    };
  }

  /** An attempt that names no device has nothing to be audited under; it is still counted. */
  countWithoutDevice(kind: RequestKind, body: unknown): void {
    this.metrics.commands.inc({ command: commandTypeOf(kind, body), outcome: 'denied' });
  }

  finish(
    attempt: Attempt,
    decision: AuditDecision,
    outcome: AuditOutcome,
    errorCode: ErrorCode | null,
  ): void {
    const latencyMs = elapsedMs(attempt.receivedAt);
    this.metrics.commands.inc({ command: attempt.commandType, outcome });
    if (attempt.sent) this.metrics.commandDuration.observe(latencyMs / 1000);
    this.audit.record({
      type: 'command.audit.v1',
      id: randomUUID(),
      time: attempt.time.toISOString(),
      partner: attempt.partnerId,
      device: { id: attempt.deviceId },
      apiKeyId: attempt.keyId,
      command: attempt.command,
      decision,
      errorCode,
      consentScope: attempt.consentScope,
      trid: attempt.trid,
      outcome,
      latencyMs,
    });
    if (outcome === 'timeout' || outcome === 'error') {
      this.log.warn(
        { deviceId: attempt.deviceId, trid: attempt.trid, errorCode, latencyMs },
        'device command failed',
      );
    }
  }
}

export function elapsedMs(since: number): number {
  return Math.round((performance.now() - since) * 100) / 100;
}

/**
 * What the audit keeps of a body: the command when it is valid (an RPC call's method and params); of
 * anything else only a known command type, so that unauthenticated callers cannot fill the audit
 * table with their text.
 */
function auditedCommand(
  kind: RequestKind,
  parsed: ParsedRequest,
  body: unknown,
): { command: Record<string, unknown>; commandType: string } {
  if (parsed.success) return { command: { ...parsed.data }, commandType: parsed.data.type };
  const type = commandTypeOf(kind, body);
  return type === 'invalid'
    ? { command: {}, commandType: type }
    : { command: { type }, commandType: type };
}

/** A bounded label value: `rpc`, a known command type or `invalid`. */
function commandTypeOf(kind: RequestKind, body: unknown): string {
  if (kind === 'rpc') return 'rpc';
  const type = (body as { type?: unknown } | null)?.type;
  return commandTypes.includes(type as never) ? (type as string) : 'invalid';
}
