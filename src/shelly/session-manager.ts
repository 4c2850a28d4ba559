import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Logger } from 'pino';
import { type AppConfig, InjectConfig } from '../config';
import { InjectRootLogger, Metrics } from '../observability';
import { HostSession } from './host-session';
import { hostMatcher } from './host-matcher';
import { InboundFrames } from './inbound-frames';
import { IntegratorTokenClient } from './integrator-token.client';
import { FramePort, SessionKeySource } from './ports';

export interface SessionState {
  host: string;
  up: boolean;
}

/**
 * One integrator session per session key, which today is a host of the consent host set: opened when
 * the key source names it, closed when it drops it. A host is never served by two sockets of this
 * process: a new session waits until the previous one to the same host has closed. Reading stops
 * while the frame port is full.
 */
@Injectable()
export class SessionManager implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly sessions = new Map<string, HostSession>();
  private readonly closing = new Map<string, Promise<void>>();
  private readonly openListeners = new Set<(host: string) => void>();
  private readonly hostAllowed: (host: string) => boolean;
  private readingPaused = false;
  private stopListening?: () => void;
  private readonly log: Logger;

  constructor(
    private readonly keys: SessionKeySource,
    private readonly tokens: IntegratorTokenClient,
    private readonly inbound: InboundFrames,
    private readonly frames: FramePort,
    private readonly metrics: Metrics,
    @InjectConfig() private readonly config: AppConfig,
    @InjectRootLogger() private readonly logger: Logger,
  ) {
    this.log = logger.child({ component: 'session-manager' });
    this.hostAllowed = hostMatcher(config.consent.hostAllowlist);
  }

  onApplicationBootstrap(): void {
    this.frames.onPressureChange((full) => (full ? this.pauseReading() : this.resumeReading()));
    this.stopListening = this.keys.onChange((host, present) =>
      present ? this.open(host) : this.closeHost(host),
    );
    for (const host of this.keys.keys()) this.open(host);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopListening?.();
    await Promise.all([...this.sessions.keys()].map((host) => this.closeHost(host)));
    await Promise.all(this.closing.values());
  }

  states(): SessionState[] {
    return [...this.sessions.values()].map((s) => ({ host: s.host, up: s.isUp }));
  }

  /** The hosts this instance should hold a session to: the host set, less hosts outside the allowlist. */
  expectedHosts(): string[] {
    return this.keys.keys().filter(this.hostAllowed);
  }

  isUp(host: string): boolean {
    return this.sessions.get(host)?.isUp ?? false;
  }

  /** Tells `listener` each time a session opens its socket, first time or again. */
  onSessionOpen(listener: (host: string) => void): () => void {
    this.openListeners.add(listener);
    return () => this.openListeners.delete(listener);
  }

  /** Sends a frame on the host's socket; false when no session to that host is up. */
  send(host: string, text: string): boolean {
    return this.sessions.get(host)?.send(text) ?? false;
  }

  private pauseReading(): void {
    this.readingPaused = true;
    for (const session of this.sessions.values()) session.pause();
  }

  private resumeReading(): void {
    this.readingPaused = false;
    for (const session of this.sessions.values()) session.resume();
  }

  private open(host: string): void {
    if (this.sessions.has(host)) return;
    if (!this.hostAllowed(host)) {
      this.log.error({ host }, 'not opening a session: the host is outside SHELLY_HOST_ALLOWLIST');
      return;
    }
    const session = new HostSession(host, {
      config: this.config.shelly,
      token: () => this.tokens.token(),
      invalidateToken: (token) => this.tokens.invalidate(token),
      onFrame: (from, text) => this.inbound.accept(from, text),
      onOpen: (opened) => {
        for (const listener of this.openListeners) listener(opened);
      },
      metrics: this.metrics,
      logger: this.logger,
    });
    if (this.readingPaused) session.pause();
    this.sessions.set(host, session);
    const previous = this.closing.get(host) ?? Promise.resolve();
    void previous.then(() => {
      if (this.sessions.get(host) === session) session.start();
    });
  }

  private async closeHost(host: string): Promise<void> {
    const session = this.sessions.get(host);
    if (!session) return;
    this.sessions.delete(host);
    const closed = session.close().finally(() => {
      if (this.closing.get(host) === closed) this.closing.delete(host);
    });
    this.closing.set(host, closed);
    await closed;
  }
}
