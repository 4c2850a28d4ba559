import { Logger } from 'pino';
import WebSocket from 'ws';
import type { ShellyConfig } from '../config';
import { backoffDelay } from '../common';

export interface SessionDependencies {
  config: ShellyConfig;
  /** The socket's URL with this token: asked at each connect, so that a moved account follows. */
  url: (token: string) => string;
  token: () => Promise<string>;
  invalidateToken: (token: string) => void;
  /** Waits for the turn to connect (a pace shared by many sessions); resolves early when aborted. */
  beforeConnect?: (signal: AbortSignal) => Promise<void>;
  onFrame: (text: string) => void;
  /** The socket opened: first connect or reconnect. */
  onOpen: () => void;
  /** Up or down, each time it changes; `undefined` once the session is closed for good. */
  onUpChange: (up: boolean | undefined) => void;
  onReconnect: () => void;
  /** This session's logger, naming what it serves. */
  log: Logger;
}

/** Close code the cloud uses for a broken or expired token (seen on the RTE channel). */
const TOKEN_BROKEN = 4401;
const HANDSHAKE_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 2_000;
/** Far above any device frame; a larger one is a protocol violation and closes the socket. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/**
 * One socket to a Shelly cloud host, the integrator's or a linked account's, kept open until
 * `close()`: reconnects with capped exponential backoff, replaces a socket that stops answering
 * pings, and fetches a fresh token when the cloud refuses the current one.
 */
export class HostSession {
  private socket?: WebSocket;
  private up = false;
  private closed = false;
  private paused = false;
  private attempt = 0;
  private connects = 0;
  private openedAt = 0;
  private awaitingPong = false;
  private writesCorked = false;
  private pingTimer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private readonly closing = new AbortController();
  private readonly log: Logger;

  constructor(private readonly deps: SessionDependencies) {
    this.log = deps.log;
    deps.onUpChange(false);
  }

  get isUp(): boolean {
    return this.up;
  }

  start(): void {
    void this.connect();
  }

  /** Sends one text frame; false when the socket is not open. */
  send(text: string): boolean {
    if (!this.up || !this.socket) return false;
    this.coalesceWrites(this.socket);
    this.socket.send(text);
    return true;
  }

  /**
   * Frames sent during one turn of the event loop leave in one write: commands arrive in bursts,
   * and each write is a system call. `ws` keeps its TCP socket in `_socket`.
   */
  private coalesceWrites(socket: WebSocket): void {
    if (this.writesCorked) return;
    const tcp = (socket as unknown as { _socket?: { cork(): void; uncork(): void } | null })
      ._socket;
    if (!tcp) return;
    tcp.cork();
    this.writesCorked = true;
    setImmediate(() => {
      this.writesCorked = false;
      tcp.uncork();
    });
  }

  /** Stops reading frames (backpressure); the socket stays open. */
  pause(): void {
    this.paused = true;
    this.socket?.pause();
  }

  resume(): void {
    this.paused = false;
    this.awaitingPong = false;
    this.socket?.resume();
  }

  /** Closes the socket with a normal close and stops reconnecting. */
  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    clearTimeout(this.reconnectTimer);
    this.deps.onUpChange(undefined);
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => socket.terminate(), CLOSE_TIMEOUT_MS);
      socket.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000, 'session closed');
    });
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    if (this.connects++ > 0) this.deps.onReconnect();
    await this.deps.beforeConnect?.(this.closing.signal);
    if (this.closed) return;
    let token: string;
    try {
      token = await this.deps.token();
    } catch {
      this.scheduleReconnect();
      return;
    }
    if (this.closed) return;
    const socket = new WebSocket(this.deps.url(token), {
      perMessageDeflate: false,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      maxPayload: MAX_FRAME_BYTES,
    });
    this.socket = socket;
    if (this.paused) socket.pause();
    socket.on('open', () => this.opened());
    socket.on('message', (data: Buffer, isBinary) => {
      this.deps.onFrame(isBinary ? data.toString('utf8') : data.toString());
    });
    socket.on('pong', () => (this.awaitingPong = false));
    socket.on('error', (error) => {
      if (/Unexpected server response: 40[13]/.test(error.message)) {
        this.log.warn('the cloud refused the token at the handshake; fetching a new one');
        this.deps.invalidateToken(token);
      } else {
        this.log.warn({ problem: error.message }, 'socket error');
      }
    });
    socket.on('close', (code, reason) => this.closedBy(code, reason.toString(), token));
  }

  private opened(): void {
    this.up = true;
    this.openedAt = Date.now();
    this.awaitingPong = false;
    this.deps.onUpChange(true);
    this.log.info('session open');
    this.pingTimer = setInterval(() => this.keepAlive(), this.deps.config.pingIntervalMs);
    this.deps.onOpen();
  }

  private keepAlive(): void {
    const socket = this.socket;
    if (!socket || this.paused) return;
    if (this.awaitingPong) {
      this.log.warn('no pong since the last ping; replacing the socket');
      socket.terminate();
      return;
    }
    this.awaitingPong = true;
    socket.ping();
  }

  private closedBy(code: number, reason: string, token: string): void {
    clearInterval(this.pingTimer);
    const lasted = this.up ? Date.now() - this.openedAt : 0;
    if (this.up) {
      // Closing on purpose (host left the host set, shutdown) is routine; anything else is not.
      this.log[this.closed ? 'info' : 'warn']({ code, reason, lastedMs: lasted }, 'session closed');
    }
    this.up = false;
    this.socket = undefined;
    if (this.closed) return;
    this.deps.onUpChange(false);
    if (code === TOKEN_BROKEN) this.deps.invalidateToken(token);
    if (lasted >= this.deps.config.reconnect.stableMs) this.attempt = 0;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const delay = backoffDelay(this.attempt++, this.deps.config.reconnect);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }
}
