import { Injectable } from '@nestjs/common';
import type { AuthenticatedKey } from '../partners';
import { AccountApi } from '../account-sessions';
import { LinkedAccounts } from '../accounts';
import { CloudControlClient, type CloudControlFailure } from '../cloud-control';
import { DomainError, type ErrorCode, LiveReplicas, RateLimiter } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { DeviceStateStore } from '../device-state';
import { CommandDispatcher, type CommandResult } from '../shelly';
import { Attempt, CommandAttempts, elapsedMs } from './command-attempts';
import { type CloudControlCommand, cloudControlCommand } from './cloud-control-command';
import {
  commandPermission,
  denied,
  failed,
  Failure,
  gateCommand,
  isFailure,
  Permission,
  rateLimited,
} from './command-gate';
import { type DeviceGrant, DeviceDirectory } from './device-directory';
import {
  DeviceRequest,
  ParsedRequest,
  parseRequest,
  RequestKind,
  toShellyRequest,
} from './device-request';
import { rpcMethodRefusal, rpcUnsupported } from './rpc-methods';

export interface CommandRequest {
  kind: RequestKind;
  deviceId: string;
  body: unknown;
  key: AuthenticatedKey;
  /** `performance.now()` when the request arrived. */
  receivedAt: number;
  /**
   * Passed on by the replica the caller reached, which took the key's and the partner's rate limits
   * already: the load balancer spreads a partner's requests over the replicas, where each takes its
   * share, wherever the devices' sessions are held.
   */
  passedOn?: boolean;
}

export interface CommandSuccess {
  /** Null for a command sent through the Cloud Control API, which has none. */
  trid: number | null;
  device: string;
  outcome: 'ok';
  latencyMs: number;
  /** Shelly's remark (`data.res`) on a successful command, when it made one. */
  message?: string;
  /** RPC calls only: the device's result, as it answered. */
  result?: unknown;
}

/** How an attempt ended, and whether the command was sent to Shelly (then it may have run). */
export type CommandAnswer =
  { sent: true; success: CommandSuccess } | { sent: boolean; error: DomainError };

/** What the API-key guard refused a valid key before the use case ran; audited all the same. */
export interface RejectedByGuard {
  kind: RequestKind;
  deviceId: string;
  body: unknown;
  key: AuthenticatedKey;
  code: ErrorCode;
  receivedAt: number;
}

/** The answer while the audit trail cannot take more records: commands must not run unaudited. */
export function unauditable(): DomainError {
  return new DomainError(
    'control_unavailable',
    'commands are paused: the audit trail cannot be written at the moment',
  );
}

/** Shelly's documented `res` for a command to a device that is not connected (protocol 2.6). */
const OFFLINE_ANSWER = 'device offline';

/**
 * Sends one command or Gen2+ RPC call to a device on behalf of a partner system. The checks run in
 * a fixed order, each with its own answer: rate limits of the key and of its partner, body, the
 * consent gate (consent held for the key's partner, what its scope permits, the session to the
 * device's host, the device online), rate limit of the device. Only then does the request go to
 * Shelly, and the answer waits for the matching response, an `Error` frame naming it, or the
 * timeout. Every attempt, whatever became of it, is audited and counted.
 */
@Injectable()
export class SendDeviceCommand {
  private readonly perKey: RateLimiter;
  private readonly perPartner: RateLimiter;
  private readonly perDevice: RateLimiter;
  private readonly timeoutMs: number;
  private readonly rpcSetMethods: readonly string[];

  constructor(
    private readonly directory: DeviceDirectory,
    private readonly dispatcher: CommandDispatcher,
    private readonly attempts: CommandAttempts,
    private readonly states: DeviceStateStore,
    private readonly cloudControl: CloudControlClient,
    private readonly accounts: LinkedAccounts,
    private readonly accountApi: AccountApi,
    replicas: LiveReplicas,
    @InjectConfig() config: AppConfig,
  ) {
    // A key's or a partner's commands run on the replicas that hold their devices' hosts, each of
    // which enforces its share of their limits. A device's all run on the one replica that holds
    // its host, which enforces the whole of the device's limit.
    this.perKey = replicas.limiter(config.control.perKey);
    this.perPartner = replicas.limiter(config.control.perPartner);
    this.perDevice = new RateLimiter(config.control.perDevice);
    this.timeoutMs = config.control.commandTimeoutMs;
    this.rpcSetMethods = config.control.rpcSetMethods;
  }

  /** Commands waiting for Shelly's answer. */
  get inFlight(): number {
    return this.dispatcher.inFlight;
  }

  async execute(request: CommandRequest): Promise<CommandSuccess> {
    const answer = await this.answer(request);
    if ('error' in answer) throw answer.error;
    return answer.success;
  }

  /** Like `execute`, and tells whether the command went to Shelly, so that a retry could run it twice. */
  async answer(request: CommandRequest): Promise<CommandAnswer> {
    const deviceId = this.deviceIdOf(request);
    if (deviceId === undefined) {
      this.attempts.countWithoutDevice(request.kind, request.body);
      const error = new DomainError(
        'device_not_found',
        `"${request.deviceId.slice(0, 64)}" is not a Shelly device id`,
      );
      return { sent: false, error };
    }
    const parsed = parseRequest(request.kind, request.body);
    const attempt = this.attempts.open(
      deviceId,
      request.key,
      request.kind,
      parsed,
      request.body,
      request.receivedAt,
    );
    const result = await this.run(attempt, parsed, request.passedOn === true);
    if (isFailure(result)) {
      this.attempts.finish(attempt, result.decision, result.outcome, result.error.code);
      return { sent: attempt.sent, error: result.error };
    }
    this.attempts.finish(attempt, 'allowed', 'ok', null);
    return { sent: true, success: result };
  }

  /** The device the request's path names, read like every path id (`DeviceDirectory.readDeviceId`). */
  deviceIdOf(request: { deviceId: string; key: AuthenticatedKey }): string | undefined {
    return this.directory.readDeviceId(request.deviceId, request.key.partnerId);
  }

  /** False while the audit trail cannot take more records. */
  get recording(): boolean {
    return this.attempts.recording;
  }

  /** Audits an attempt of a valid key that the API-key guard turned away (403 scope). */
  recordRejected(rejected: RejectedByGuard): void {
    const deviceId = this.deviceIdOf(rejected);
    if (deviceId === undefined) {
      this.attempts.countWithoutDevice(rejected.kind, rejected.body);
      return;
    }
    const attempt = this.attempts.open(
      deviceId,
      rejected.key,
      rejected.kind,
      parseRequest(rejected.kind, rejected.body),
      rejected.body,
      rejected.receivedAt,
    );
    attempt.consentScope = this.directory.grant(deviceId, rejected.key.partnerId)?.scope ?? null;
    this.attempts.finish(attempt, 'denied', 'denied', rejected.code);
  }

  /**
   * Before a request goes to the replica that holds its device's session: takes the key's and the
   * partner's rate limits here, and throws the refusal, audited, when they are over.
   */
  takeCallerLimits(request: CommandRequest): void {
    const deviceId = this.deviceIdOf(request) as string;
    const attempt = { keyId: request.key.id, partnerId: request.key.partnerId };
    const refusal = this.callerLimits(attempt);
    if (refusal === undefined) return;
    const audited = this.attempts.open(
      deviceId,
      request.key,
      request.kind,
      parseRequest(request.kind, request.body),
      request.body,
      request.receivedAt,
    );
    this.attempts.finish(audited, refusal.decision, refusal.outcome, refusal.error.code);
    throw refusal.error;
  }

  private callerLimits(attempt: { keyId: string; partnerId: string | null }): Failure | undefined {
    const keyWait = this.perKey.take(attempt.keyId);
    if (keyWait > 0) return rateLimited('this API key', keyWait);
    if (attempt.partnerId !== null) {
      const partnerWait = this.perPartner.take(attempt.partnerId);
      if (partnerWait > 0) return rateLimited(`partner ${attempt.partnerId}`, partnerWait);
    }
    return undefined;
  }

  private async run(
    attempt: Attempt,
    parsed: ParsedRequest,
    passedOn: boolean,
  ): Promise<CommandSuccess | Failure> {
    if (!this.attempts.recording) {
      return { error: unauditable(), decision: 'allowed', outcome: 'error' };
    }
    const limited = passedOn ? undefined : this.callerLimits(attempt);
    if (limited) return limited;

    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return denied('invalid_body', `${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const request: DeviceRequest = parsed.data;

    const grant = this.directory.grant(attempt.deviceId, attempt.partnerId);
    attempt.consentScope = grant?.scope ?? null;
    // A linked account's device is reached through the Cloud Control API while its socket is down.
    const overHttp =
      grant?.accountId != null && !this.dispatcher.isConnected(grant.sessionKey)
        ? cloudControlCommand(request, attempt.deviceId)
        : undefined;
    const gate = gateCommand(attempt.deviceId, grant, this.permission(request), {
      reachable: (reached) =>
        overHttp !== undefined || this.dispatcher.isConnected(reached.sessionKey),
      online: (deviceId) => this.states.isOnline(deviceId),
    });
    if (isFailure(gate)) return gate;
    const deviceWait = this.perDevice.take(attempt.deviceId);
    if (deviceWait > 0) return rateLimited(`device ${attempt.deviceId}`, deviceWait);
    if (overHttp !== undefined) return this.sendOverHttp(attempt, gate, overHttp);

    const sent = this.dispatcher.send(
      gate.sessionKey,
      attempt.deviceId,
      toShellyRequest(request),
      this.timeoutMs,
    );
    if (!sent) {
      return failed(
        'host_session_down',
        `the session to ${gate.host} closed before the command could be sent`,
        'error',
      );
    }
    attempt.sent = true;
    attempt.trid = sent.trid;
    const outcome = this.outcome(attempt.deviceId, await sent.result);
    if (isFailure(outcome)) return outcome;
    return {
      trid: sent.trid,
      device: attempt.deviceId,
      outcome: 'ok',
      latencyMs: elapsedMs(attempt.receivedAt),
      ...outcome,
    };
  }

  private async sendOverHttp(
    attempt: Attempt,
    grant: DeviceGrant,
    request: CloudControlCommand,
  ): Promise<CommandSuccess | Failure> {
    const account = this.accounts.get(grant.accountId!);
    if (account === undefined) {
      return failed('host_session_down', `linked account ${grant.accountId} is gone`, 'error');
    }
    const api = this.accountApi.of(account);
    attempt.sent = true;
    const answer =
      request.endpoint === 'switch'
        ? await this.cloudControl.setSwitch(api, request.command)
        : request.endpoint === 'cover'
          ? await this.cloudControl.setCover(api, request.command)
          : await this.cloudControl.setLight(api, request.command);
    if (!answer.ok) return httpRefusal(attempt, answer);
    return {
      trid: null,
      device: attempt.deviceId,
      outcome: 'ok',
      latencyMs: elapsedMs(attempt.receivedAt),
    };
  }

  private permission(request: DeviceRequest): Permission {
    if (request.type !== 'rpc') return commandPermission;
    return (deviceId, consent) =>
      rpcUnsupported(deviceId, consent) ??
      rpcMethodRefusal(request.method, consent.scope, this.rpcSetMethods);
  }

  /** What Shelly's answer means for the caller: a failure, or what a success adds to its body. */
  private outcome(
    deviceId: string,
    result: CommandResult,
  ): Pick<CommandSuccess, 'message' | 'result'> | Failure {
    switch (result.kind) {
      case 'timeout':
        return failed(
          'command_timeout',
          `no answer from Shelly within ${this.timeoutMs} ms; the command may still have run`,
          'timeout',
        );
      case 'error-frame':
        return refusal(deviceId, 'Shelly answered with an Error frame', result.message);
      case 'answered': {
        const { answer } = result;
        if (!answer.ok)
          return refusal(deviceId, 'Shelly refused the command', answer.message ?? '');
        return answer.message ? { message: answer.message } : {};
      }
      case 'rpc-answered': {
        const { outcome } = result;
        if (!('error' in outcome)) return { result: outcome.result };
        if (typeof outcome.error === 'string') {
          return refusal(deviceId, 'Shelly refused the RPC call', outcome.error);
        }
        const { code, message } = outcome.error;
        return failed(
          'rpc_error',
          `device ${deviceId} answered with RPC error ${code}${message ? `: ${message}` : ''}`,
          'refused',
          { reason: message, rpcCode: code },
        );
      }
    }
  }
}

/** What a failed Cloud Control command means for the caller; whether it may have run decides `sent`. */
function httpRefusal(attempt: Attempt, failure: CloudControlFailure): Failure {
  const deviceId = attempt.deviceId;
  switch (failure.error) {
    case 'device_offline':
      return failed('device_offline', `Shelly reports device ${deviceId} offline`, 'refused');
    case 'invalid_request':
    case 'not_found':
    case 'refused':
      return failed('device_refused', `Shelly refused the command: ${failure.detail}`, 'refused', {
        reason: failure.detail,
      });
    case 'unavailable':
    case 'bad_answer':
      return failed(
        'command_timeout',
        `no usable answer from Shelly's Cloud Control API; the command may still have run`,
        'timeout',
      );
    case 'rate_limited':
    case 'queue_full':
    case 'unauthorized':
    case 'cancelled':
      attempt.sent = false;
      return failed(
        'host_session_down',
        `the socket of the device's linked account is down, and Shelly's Cloud Control API did not take the command (${failure.error})`,
        'error',
      );
  }
}

/** Shelly's refusal in its own words, kept as `reason`: `device offline` has a code of its own. */
function refusal(deviceId: string, what: string, reason: string): Failure {
  if (reason.trim().toLowerCase() === OFFLINE_ANSWER) {
    return failed('device_offline', `Shelly reports device ${deviceId} offline`, 'refused', {
      reason,
    });
  }
  return failed('device_refused', `${what}${reason ? `: ${reason}` : ''}`, 'refused', { reason });
}
