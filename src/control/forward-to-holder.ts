import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { LeasedSessionKeys } from '../leases';
import { endSpan, SpanKind, Tracing } from '../observability';
import { IntegratorActions } from '../shelly';
import { DeviceDirectory, type Viewer } from './device-directory';
import { answerOutcome } from './trace-device-requests';

/**
 * Marks a request one replica passed on to another, which never passes it on again and trusts that
 * the caller's rate limits were taken. Its value is a secret the replicas derive from
 * API_KEY_PEPPER, so that a caller cannot set it.
 */
const FORWARDED_HEADER = 'shelly-ingest-forwarded';

/** `traceparent` and `tracestate` are the hop's own while tracing is on, the caller's otherwise. */
const FORWARDED_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'idempotency-key',
  'x-request-id',
  'traceparent',
  'tracestate',
];
const FORWARDED_ANSWER_HEADERS = ['idempotent-replayed', 'retry-after'];
/** Errors of a connection that never carried the request: nothing can have run. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** Beyond the command's own wait, for the hop and the holder's checks. */
const HOP_MARGIN_MS = 5_000;

export interface ForwardableRequest {
  method: string;
  originalUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface ForwardedAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * A request that needs the session to the device's host (a command, an RPC call, a settings request)
 * and reaches a replica that does not hold it goes to the replica that does, once, with the caller's
 * key: the replica reached takes the key's and the partner's rate limits, the holder checks, takes
 * the device's, audits and answers as if it had been asked itself, and its answer goes back as it is. A request that may have reached the holder is never sent again: without
 * its answer the caller gets 504 `command_timeout`.
 */
@Injectable()
export class ForwardToHolder {
  private readonly timeoutMs: number;
  private readonly hopMark: Buffer;

  constructor(
    private readonly directory: DeviceDirectory,
    private readonly actions: IntegratorActions,
    private readonly sessions: LeasedSessionKeys,
    private readonly tracing: Tracing,
    @InjectConfig() config: AppConfig,
  ) {
    this.timeoutMs = config.control.commandTimeoutMs + HOP_MARGIN_MS;
    this.hopMark = createHmac('sha256', config.apiKeys.pepper).update('replica hop').digest();
  }

  /** Whether another replica passed the request on; a forged mark counts for nothing. */
  isPassedOn(request: Pick<ForwardableRequest, 'headers'>): boolean {
    const mark = request.headers[FORWARDED_HEADER];
    if (typeof mark !== 'string') return false;
    const given = Buffer.from(mark, 'hex');
    return given.length === this.hopMark.length && timingSafeEqual(given, this.hopMark);
  }

  /**
   * The holder's answer, or undefined when this replica answers (it holds the host, or nobody does).
   * `beforeSending` runs once the request is to go, and may refuse it by throwing.
   */
  async forward(
    request: ForwardableRequest,
    id: string,
    viewer: Viewer,
    beforeSending?: () => void,
  ): Promise<ForwardedAnswer | undefined> {
    if (this.isPassedOn(request)) return undefined;
    const deviceId = this.directory.readDeviceId(id, viewer);
    const grant = deviceId === undefined ? undefined : this.directory.grant(deviceId, viewer);
    if (!grant || this.actions.isConnected(grant.sessionKey)) return undefined;
    const address = await this.sessions.holderElsewhere(grant.sessionKey);
    if (address === undefined) return undefined;
    beforeSending?.();
    return this.send(address, grant.host, request);
  }

  private async send(
    address: string,
    host: string,
    request: ForwardableRequest,
  ): Promise<ForwardedAnswer> {
    const headers: Record<string, string> = { [FORWARDED_HEADER]: this.hopMark.toString('hex') };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const url = `${address}${request.originalUrl}`;
    const span = this.tracing.startSpan('forward to holder', SpanKind.CLIENT, {
      'http.request.method': request.method,
      'url.full': url,
      'shelly.host': host,
    });
    this.tracing.inject(span, headers);
    try {
      const answer = await this.exchange(url, host, request, headers);
      endSpan(span, answerOutcome(answer.status, answer.body), {
        'http.response.status_code': answer.status,
      });
      return answer;
    } catch (error) {
      endSpan(span, (error as DomainError).code);
      throw error;
    }
  }

  private async exchange(
    url: string,
    host: string,
    request: ForwardableRequest,
    headers: Record<string, string>,
  ): Promise<ForwardedAnswer> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers,
        body: request.method === 'GET' ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw this.hopFailed(host, error);
    }
    const answerHeaders: Record<string, string> = {};
    for (const name of FORWARDED_ANSWER_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) answerHeaders[name] = value;
    }
    try {
      return { status: response.status, body: await response.json(), headers: answerHeaders };
    } catch (error) {
      throw this.hopFailed(host, error);
    }
  }

  private hopFailed(host: string, error: unknown): DomainError {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code !== undefined && NOT_SENT.has(code)) {
      return new DomainError(
        'host_session_down',
        `the replica that holds the session to ${host} could not be reached; retry`,
      );
    }
    return new DomainError(
      'command_timeout',
      `no answer from the replica that holds the session to ${host} within ${this.timeoutMs} ms; the request may have run`,
    );
  }
}

/** Answers with what the holder answered. */
export function answerForwarded(
  forwarded: ForwardedAnswer,
  response: { setHeader(name: string, value: string): void; status(code: number): void },
): unknown {
  for (const [name, value] of Object.entries(forwarded.headers)) response.setHeader(name, value);
  response.status(forwarded.status);
  return forwarded.body;
}
