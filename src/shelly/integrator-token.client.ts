import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Logger } from 'pino';
import { backoffDelay } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { InjectRootLogger, Metrics } from '../observability';
import { IntegratorToken, readTokenAnswer, renewalTime, TokenAnswer } from './integrator-token';

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The integrator JWT, fetched from Shelly's token endpoint when a socket first needs one, cached,
 * and renewed ahead of its expiry (retrying with backoff). The token itself is never logged.
 */
@Injectable()
export class IntegratorTokenClient implements OnModuleDestroy {
  private current?: { token: IntegratorToken; renewAt: Date };
  private pending?: Promise<string>;
  private renewTimer?: NodeJS.Timeout;
  private failedRenewals = 0;
  private readonly log: Logger;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly metrics: Metrics,
    @InjectRootLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'integrator-token' });
  }

  onModuleDestroy(): void {
    clearTimeout(this.renewTimer);
  }

  /** A token to open a socket with: the cached one unless it is due for renewal. */
  token(): Promise<string> {
    if (this.current && Date.now() < this.current.renewAt.getTime()) {
      return Promise.resolve(this.current.token.value);
    }
    return this.fetchOnce();
  }

  /** Forgets a token the cloud refused, so that the next socket gets a fresh one. */
  invalidate(value: string): void {
    if (this.current?.token.value === value) this.current = undefined;
  }

  private fetchOnce(): Promise<string> {
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const fetchedAt = new Date();
    const answer = await this.request(fetchedAt);
    if (!answer.ok) {
      this.metrics.tokenRenewals.inc({ outcome: 'failure' });
      this.log.error({ problem: answer.problem }, 'could not get an integrator token');
      if (this.current) this.scheduleRenewal(this.retryDelay());
      throw new Error(`integrator token: ${answer.problem}`);
    }
    this.metrics.tokenRenewals.inc({ outcome: 'success' });
    this.failedRenewals = 0;
    const renewAt = renewalTime(
      answer.token,
      fetchedAt,
      this.config.shelly.tokenRenewBeforeSeconds * 1000,
    );
    this.current = { token: answer.token, renewAt };
    this.log.info({ expiresAt: answer.token.expiresAt.toISOString() }, 'integrator token obtained');
    this.scheduleRenewal(renewAt.getTime() - Date.now());
    return answer.token.value;
  }

  private async request(now: Date): Promise<TokenAnswer> {
    const { tokenUrl, integratorTag, integratorToken } = this.config.shelly;
    try {
      const response = await fetch(tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({ itg: integratorTag, token: integratorToken }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (!response.ok)
        return { ok: false, problem: `the token endpoint answered HTTP ${response.status}` };
      return readTokenAnswer(await response.json().catch(() => null), now);
    } catch (error) {
      return { ok: false, problem: `the token endpoint is unreachable (${describe(error)})` };
    }
  }

  private scheduleRenewal(delayMs: number): void {
    clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(
      () => {
        this.fetchOnce().catch(() => undefined);
      },
      Math.max(0, delayMs),
    );
    this.renewTimer.unref();
  }

  private retryDelay(): number {
    return backoffDelay(this.failedRenewals++, this.config.shelly.reconnect);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
