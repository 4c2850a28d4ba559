import { Client } from 'pg';
import { Logger } from 'pino';
import { backoffDelay, type BackoffPolicy, sleep } from '../common';
import type { DatabaseConfig } from '../config';
import { pgConnectionConfig } from './pg-connection-config';

const RECONNECT: BackoffPolicy = { minMs: 250, maxMs: 10_000, jitter: 0 };

export interface ChannelHandlers {
  /** Reads everything again: at start, and after a lost connection, since notices sent meanwhile are gone. */
  reload(): Promise<void>;
  /** One notice, in commit order, after the reload. Throwing reconnects, which reloads. */
  notice(payload: string): Promise<void>;
}

/**
 * Keeps an in-memory copy equal to the database through one Postgres notification channel: the
 * reload and the notices share one queue, and the reload reads only once the LISTEN holds, so
 * every change the reload misses is applied after it and none is overwritten by it. A lost
 * connection is reconnected with backoff, and everything reloaded.
 */
export class ChannelListener {
  private client?: Client;
  private readonly stopping = new AbortController();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: DatabaseConfig,
    private readonly channel: string,
    private readonly handlers: ChannelHandlers,
    private readonly log: Logger,
  ) {}

  /** Connects and reloads; throws when that fails, so that a start without the database stops. */
  start(): Promise<void> {
    return this.connect();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    // The timeouts bound connecting and each statement; none ends an idle session, so it may listen for good.
    const client = new Client(pgConnectionConfig(this.config));
    client.on('notification', (message) => {
      const payload = message.payload;
      if (payload) this.queue = this.queue.then(() => this.apply(payload));
    });
    client.on('error', (error) =>
      this.log.warn({ err: error, channel: this.channel }, 'listener connection failed'),
    );
    await client.connect();
    const listening = client.query(`LISTEN ${this.channel}`);
    const reload = this.queue.then(async () => {
      await listening;
      await this.handlers.reload();
    });
    this.queue = reload.catch(() => undefined);
    try {
      await reload;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    client.on('end', () => void this.reconnect());
    this.client = client;
  }

  private async apply(payload: string): Promise<void> {
    try {
      await this.handlers.notice(payload);
    } catch (error) {
      this.log.warn(
        { err: error, channel: this.channel },
        'could not apply a change; reconnecting to reload all',
      );
      await this.client?.end().catch(() => undefined);
    }
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const delay = backoffDelay(attempt, RECONNECT);
      await sleep(delay, this.stopping.signal);
      if (this.stopping.signal.aborted) return;
      try {
        await this.connect();
        return;
      } catch (error) {
        this.log.warn(
          { err: error, retryInMs: delay, channel: this.channel },
          'listener could not reconnect',
        );
      }
    }
  }
}
