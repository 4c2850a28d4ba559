import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Logger } from 'pino';
import { LinkedAccounts } from '../accounts';
import { hostMatcher } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { InjectRootLogger, Metrics } from '../observability';
import { ConnectPacer } from './connect-pacer';
import { HostSession, type SessionDependencies } from './host-session';
import { InboundFrames } from './inbound-frames';
import { IntegratorTokenClient } from './integrator-token.client';
import { FramePort, SessionKeySource } from './ports';
import { readSessionKey } from './session-key';

export interface SessionState {
  host: string;
  up: boolean;
}

/**
 * One session per session key the key source names: an integrator host, or a linked account
 * (`session-key.ts`); opened when the source names it, closed when it drops it. A key is never
 * served by two sockets of this process: a new session waits until the previous one of the same key
 * has closed. Account sessions connect at SHELLY_ACCOUNT_CONNECTS_PER_SECOND, so that a replica
 * taking thousands of them over does not storm Shelly. Reading stops while the frame port is full.
 */
@Injectable()
export class SessionManager implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly sessions = new Map<string, HostSession>();
  private readonly up = new Set<string>();
  private accountsHeld = 0;
  private accountsUp = 0;
  private readonly closing = new Map<string, Promise<void>>();
  private readonly openListeners = new Set<(key: string) => void>();
  private readonly hostAllowed: (host: string) => boolean;
  private readonly accountPacer: ConnectPacer;
  private readingPaused = false;
  private stopListening?: () => void;
  private readonly log: Logger;

  constructor(
    private readonly keys: SessionKeySource,
    private readonly tokens: IntegratorTokenClient,
    private readonly accounts: LinkedAccounts,
    private readonly inbound: InboundFrames,
    private readonly frames: FramePort,
    private readonly metrics: Metrics,
    @InjectConfig() private readonly config: AppConfig,
    @InjectRootLogger() private readonly logger: Logger,
  ) {
    this.log = logger.child({ component: 'session-manager' });
    this.hostAllowed = hostMatcher(config.consent.hostAllowlist);
    this.accountPacer = new ConnectPacer(config.shelly.accountConnectsPerSecond);
  }

  onApplicationBootstrap(): void {
    this.frames.onPressureChange((full) => (full ? this.pauseReading() : this.resumeReading()));
    this.stopListening = this.keys.onChange((key, present) =>
      present ? this.open(key) : this.close(key),
    );
    for (const key of this.keys.keys()) this.open(key);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopListening?.();
    await Promise.all([...this.sessions.keys()].map((key) => this.close(key)));
    await Promise.all(this.closing.values());
  }

  /** The integrator sessions. */
  states(): SessionState[] {
    return this.integratorHosts().map((host) => ({ host, up: this.up.has(host) }));
  }

  /** The integrator hosts this instance should hold a session to: its keys within the allowlist. */
  expectedHosts(): string[] {
    return this.keys
      .keys()
      .flatMap((key) => {
        const target = readSessionKey(key);
        return target.kind === 'integrator' ? [target.host] : [];
      })
      .filter(this.hostAllowed);
  }

  /** The linked accounts' sessions this instance holds, and how many of them are up. */
  accountSessions(): { held: number; up: number } {
    return { held: this.accountsHeld, up: this.accountsUp };
  }

  isUp(key: string): boolean {
    return this.up.has(key);
  }

  /** Tells `listener` each time a session opens its socket, first time or again. */
  onSessionOpen(listener: (key: string) => void): () => void {
    this.openListeners.add(listener);
    return () => this.openListeners.delete(listener);
  }

  /** Sends a frame on the key's socket; false when its session is not up. */
  send(key: string, text: string): boolean {
    return this.sessions.get(key)?.send(text) ?? false;
  }

  private integratorHosts(): string[] {
    return [...this.sessions.keys()].filter((key) => readSessionKey(key).kind === 'integrator');
  }

  private pauseReading(): void {
    this.readingPaused = true;
    for (const session of this.sessions.values()) session.pause();
  }

  private resumeReading(): void {
    this.readingPaused = false;
    for (const session of this.sessions.values()) session.resume();
  }

  private open(key: string): void {
    if (this.sessions.has(key)) return;
    const dependencies = this.dependencies(key);
    if (dependencies === undefined) return;
    if (readSessionKey(key).kind === 'account') this.accountsHeld += 1;
    const session = new HostSession(dependencies);
    if (this.readingPaused) session.pause();
    this.sessions.set(key, session);
    const previous = this.closing.get(key) ?? Promise.resolve();
    void previous.then(() => {
      if (this.sessions.get(key) === session) session.start();
    });
  }

  /** What the session of `key` needs; undefined when it must not open. */
  private dependencies(key: string): SessionDependencies | undefined {
    const target = readSessionKey(key);
    const shared = {
      config: this.config.shelly,
      onOpen: () => {
        for (const listener of this.openListeners) listener(key);
      },
    };
    const socketUrl = (host: string, token: string) =>
      this.config.shelly.socketUrlTemplate
        .replace('{host}', host)
        .replace('{token}', encodeURIComponent(token));
    if (target.kind === 'integrator') {
      const { host } = target;
      if (!this.hostAllowed(host)) {
        this.log.error(
          { host },
          'not opening a session: the host is outside SHELLY_HOST_ALLOWLIST',
        );
        return undefined;
      }
      const origin = { key, host };
      return {
        ...shared,
        onFrame: (text) => this.inbound.accept(origin, text),
        url: (token) => socketUrl(host, token),
        token: () => this.tokens.token(),
        invalidateToken: (token) => this.tokens.invalidate(token),
        onUpChange: (up) => {
          this.noteUp(key, up);
          if (up === undefined) this.metrics.sessionUp.remove({ host });
          else this.metrics.sessionUp.set({ host }, up ? 1 : 0);
        },
        onReconnect: () => this.metrics.sessionReconnects.inc({ host }),
        log: this.logger.child({ component: 'host-session', host }),
      };
    }
    const { accountId } = target;
    const account = this.accounts.get(accountId);
    if (account === undefined) return undefined;
    const origin = { key, host: account.apiHost };
    return {
      ...shared,
      onFrame: (text) => this.inbound.accept(origin, text),
      // The account's host as it stands at each connect: linked again elsewhere, it follows.
      url: (token) => socketUrl(this.accounts.get(accountId)?.apiHost ?? account.apiHost, token),
      token: async () => {
        const token = await this.accounts.accessToken(accountId);
        if (token === null) throw new Error('the account has no token');
        return token;
      },
      // Nothing is kept here: the next connect reads the token again, renewed or not.
      invalidateToken: () => undefined,
      beforeConnect: (signal) => this.accountPacer.wait(signal),
      onUpChange: (up) => {
        const wasUp = this.up.has(key);
        this.noteUp(key, up);
        this.accountsUp += Number(up === true) - Number(wasUp);
        this.metrics.accountSessions.set({ state: 'up' }, this.accountsUp);
        this.metrics.accountSessions.set({ state: 'down' }, this.accountsHeld - this.accountsUp);
      },
      onReconnect: () => this.metrics.accountSessionReconnects.inc(),
      log: this.logger.child({ component: 'account-session', accountId }),
    };
  }

  private noteUp(key: string, up: boolean | undefined): void {
    if (up === true) this.up.add(key);
    else this.up.delete(key);
  }

  private async close(key: string): Promise<void> {
    const session = this.sessions.get(key);
    if (!session) return;
    this.sessions.delete(key);
    if (readSessionKey(key).kind === 'account') this.accountsHeld -= 1;
    const closed = session.close().finally(() => {
      if (this.closing.get(key) === closed) this.closing.delete(key);
    });
    this.closing.set(key, closed);
    await closed;
  }
}
