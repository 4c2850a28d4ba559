import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import type { AuthenticatedKey } from '../api-keys/api-key.store';
import { DomainError, DomainErrorExtras, ErrorCode } from '../common/domain-error';
import { AppConfig } from '../config/config';
import { InjectConfig } from '../config/config.module';
import { ConsentScope } from '../consent/consent';
import { ConsentCache } from '../consent/consent-cache';
import { DeviceStateStore } from '../ingest/device-state.store';
import { InjectRootLogger } from '../observability/logging.module';
import { Metrics } from '../observability/metrics';
import { CommandCorrelator } from '../shelly/command-correlator';
import { toDecimalDeviceId, toHexDeviceId } from '../shelly/device-id';
import { SessionManager } from '../shelly/session-manager';
import { AuditDecision, AuditOutcome } from './command-audit';
import { CommandAuditWriter } from './command-audit.writer';
import {
  commandRequestFrame,
  commandTypes,
  DeviceCommand,
  deviceCommand,
  toShellyCommand,
} from './device-command';
import { RateLimiter } from './rate-limiter';

export interface CommandRequest {
  deviceId: string;
  body: unknown;
  key: AuthenticatedKey;
  /** `performance.now()` when the request arrived. */
  receivedAt: number;
}

export interface CommandSuccess {
  trid: number;
  device: string;
  outcome: 'ok';
  latencyMs: number;
  /** Shelly's remark (`data.res`) on a successful command, when it made one. */
  message?: string;
}

/** What the API-key guard refused before the use case ran; audited all the same. */
export interface RejectedByGuard {
  deviceId: string;
  body: unknown;
  keyId: string | null;
  code: ErrorCode;
  receivedAt: number;
}

/** How an attempt ended short of success: the error for the caller, and the audit's view of it. */
interface Failure {
  error: DomainError;
  decision: AuditDecision;
  outcome: Exclude<AuditOutcome, 'ok'>;
}

/** The state of one attempt as the checks learn more about it, for its audit record. */
interface Attempt {
  deviceId: string;
  keyId: string | null;
  command: Record<string, unknown>;
  commandType: string;
  consentScope: ConsentScope | null;
  trid: number | null;
  receivedAt: number;
  time: Date;
}

type ParsedCommand = ReturnType<typeof deviceCommand.safeParse>;

/** Shelly's documented `res` for a command to a device that is not connected (protocol 2.6). */
const OFFLINE_ANSWER = 'device offline';

const denied = (code: ErrorCode, message: string, extras?: DomainErrorExtras): Failure => ({
  error: new DomainError(code, message, extras),
  decision: 'denied',
  outcome: 'denied',
});

const failed = (
  code: ErrorCode,
  message: string,
  outcome: Failure['outcome'],
  extras?: DomainErrorExtras,
): Failure => ({ error: new DomainError(code, message, extras), decision: 'allowed', outcome });

/**
 * Sends one command to a device on behalf of a partner system. The checks run in a fixed order,
 * each with its own answer: body, consent, consent scope, rate limits, session to the device's host,
 * device online. Only then does a `Shelly:CommandRequest` leave, with a trid unique on that socket,
 * and the answer waits for the matching response or the timeout. Every attempt, whatever became of
 * it, is audited and counted.
 */
@Injectable()
export class SendDeviceCommand {
  private readonly perKey: RateLimiter;
  private readonly perDevice: RateLimiter;
  private readonly timeoutMs: number;
  private readonly log: Logger;

  constructor(
    private readonly consents: ConsentCache,
    private readonly sessions: SessionManager,
    private readonly states: DeviceStateStore,
    private readonly correlator: CommandCorrelator,
    private readonly audit: CommandAuditWriter,
    private readonly metrics: Metrics,
    @InjectConfig() config: AppConfig,
    @InjectRootLogger() logger: Logger,
  ) {
    this.perKey = new RateLimiter(config.control.perKey);
    this.perDevice = new RateLimiter(config.control.perDevice);
    this.timeoutMs = config.control.commandTimeoutMs;
    this.log = logger.child({ component: 'send-device-command' });
  }

  /** Commands waiting for Shelly's answer. */
  get inFlight(): number {
    return this.correlator.inFlight;
  }

  async execute(request: CommandRequest): Promise<CommandSuccess> {
    const deviceId = toHexDeviceId(request.deviceId);
    if (deviceId === undefined) {
      // Names no device, so there is nothing to audit it under; still counted.
      this.metrics.commands.inc({ command: commandTypeOf(request.body), outcome: 'denied' });
      throw new DomainError(
        'device_not_found',
        `"${request.deviceId.slice(0, 64)}" is not a Shelly device id`,
      );
    }
    const parsed = deviceCommand.safeParse(request.body);
    const attempt: Attempt = {
      deviceId,
      keyId: request.key.id,
      ...auditedCommand(parsed, request.body),
      consentScope: null,
      trid: null,
      receivedAt: request.receivedAt,
      time: new Date(),
    };
    const result = await this.run(attempt, parsed);
    if ('error' in result) {
      this.finish(attempt, result.decision, result.outcome, result.error.code);
      throw result.error;
    }
    this.finish(attempt, 'allowed', 'ok', null);
    return result;
  }

  /** Audits an attempt that the API-key guard turned away (401, 403 scope). */
  recordRejected(rejected: RejectedByGuard): void {
    const deviceId = toHexDeviceId(rejected.deviceId);
    if (deviceId === undefined) {
      this.metrics.commands.inc({ command: commandTypeOf(rejected.body), outcome: 'denied' });
      return;
    }
    const attempt: Attempt = {
      deviceId,
      keyId: rejected.keyId,
      ...auditedCommand(deviceCommand.safeParse(rejected.body), rejected.body),
      consentScope: this.consents.get(deviceId)?.scope ?? null,
      trid: null,
      receivedAt: rejected.receivedAt,
      time: new Date(),
    };
    this.finish(attempt, 'denied', 'denied', rejected.code);
  }

  private async run(attempt: Attempt, parsed: ParsedCommand): Promise<CommandSuccess | Failure> {
    if (!this.audit.accepting) {
      return failed(
        'control_unavailable',
        'commands are paused: the audit trail cannot be written at the moment',
        'error',
      );
    }
    const keyWait = this.perKey.take(attempt.keyId ?? '');
    if (keyWait > 0) return rateLimited('this API key', keyWait);

    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return denied('invalid_body', `${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const command: DeviceCommand = parsed.data;

    const consent = this.consents.get(attempt.deviceId);
    if (!consent) {
      return denied('device_not_found', `no consent is held for device ${attempt.deviceId}`);
    }
    attempt.consentScope = consent.scope;
    if (consent.scope !== 'control') {
      return denied(
        'consent_read_only',
        `the owner of device ${attempt.deviceId} shared it read-only; it takes no commands`,
      );
    }
    if (!this.sessions.isUp(consent.host)) {
      return failed(
        'host_session_down',
        `no session to ${consent.host}, the Shelly cloud host of device ${attempt.deviceId}, is up`,
        'error',
      );
    }
    if (this.states.isOnline(attempt.deviceId) === false) {
      return failed('device_offline', `device ${attempt.deviceId} is offline`, 'refused');
    }
    const deviceWait = this.perDevice.take(attempt.deviceId);
    if (deviceWait > 0) return rateLimited(`device ${attempt.deviceId}`, deviceWait);

    const pending = this.correlator.begin(consent.host, attempt.deviceId, this.timeoutMs);
    attempt.trid = pending.trid;
    const frame = commandRequestFrame(
      pending.trid,
      toDecimalDeviceId(attempt.deviceId) as string,
      toShellyCommand(command),
    );
    if (!this.sessions.send(consent.host, frame)) {
      pending.cancel();
      attempt.trid = null;
      return failed(
        'host_session_down',
        `the session to ${consent.host} closed before the command could be sent`,
        'error',
      );
    }
    const result = await pending.result;
    if (result.kind === 'timeout') {
      return failed(
        'command_timeout',
        `no answer from Shelly within ${this.timeoutMs} ms; the command may still have run`,
        'timeout',
      );
    }
    const { answer } = result;
    if (!answer.ok) {
      const reason = answer.message ?? '';
      if (reason.trim().toLowerCase() === OFFLINE_ANSWER) {
        return failed(
          'device_offline',
          `Shelly reports device ${attempt.deviceId} offline`,
          'refused',
          {
            reason,
          },
        );
      }
      return failed(
        'device_refused',
        `Shelly refused the command${reason ? `: ${reason}` : ''}`,
        'refused',
        { reason },
      );
    }
    const success: CommandSuccess = {
      trid: pending.trid,
      device: attempt.deviceId,
      outcome: 'ok',
      latencyMs: elapsedMs(attempt.receivedAt),
    };
    if (answer.message) success.message = answer.message;
    return success;
  }

  private finish(
    attempt: Attempt,
    decision: AuditDecision,
    outcome: AuditOutcome,
    errorCode: ErrorCode | null,
  ): void {
    const latencyMs = elapsedMs(attempt.receivedAt);
    this.metrics.commands.inc({ command: attempt.commandType, outcome });
    if (attempt.trid !== null) this.metrics.commandDuration.observe(latencyMs / 1000);
    this.audit.record({
      type: 'command.audit.v1',
      id: randomUUID(),
      time: attempt.time.toISOString(),
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

function rateLimited(who: string, waitMs: number): Failure {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return denied('rate_limited', `too many commands for ${who}; retry in ${seconds} s`, {
    retryAfterSeconds: seconds,
  });
}

function elapsedMs(since: number): number {
  return Math.round((performance.now() - since) * 100) / 100;
}

/**
 * What the audit keeps of a body: the command when it is valid; of anything else only a known
 * command type, so that unauthenticated callers cannot fill the audit table with their text.
 */
function auditedCommand(
  parsed: ParsedCommand,
  body: unknown,
): { command: Record<string, unknown>; commandType: string } {
  if (parsed.success) return { command: parsed.data, commandType: parsed.data.type };
  const type = commandTypeOf(body);
  return type === 'invalid'
    ? { command: {}, commandType: type }
    : { command: { type }, commandType: type };
}

/** A bounded label value: a known command type or `invalid`. */
function commandTypeOf(body: unknown): string {
  const type = (body as { type?: unknown } | null)?.type;
  return commandTypes.includes(type as never) ? (type as string) : 'invalid';
}
