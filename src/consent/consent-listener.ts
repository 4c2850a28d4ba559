import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { Logger } from 'pino';
import { AppConfig } from '../config/config';
import { InjectConfig } from '../config/config.module';
import { InjectRootLogger } from '../observability/logging.module';
import { ConsentCache } from './consent-cache';
import { CONSENT_CHANNEL, ConsentStore } from './consent.store';

const MAX_RECONNECT_DELAY_MS = 10_000;

/**
 * Keeps the consent cache equal to the database: loads everything at start, then reloads a device
 * whenever any instance announces a change on the Postgres channel. After a lost connection it
 * reloads everything, since notifications sent meanwhile are gone.
 */
@Injectable()
export class ConsentListener implements OnModuleInit, OnModuleDestroy {
  private client?: Client;
  private stopped = false;
  private reconnectTimer?: NodeJS.Timeout;
  private readonly log: Logger;

  constructor(
    private readonly store: ConsentStore,
    private readonly cache: ConsentCache,
    @InjectConfig() private readonly config: AppConfig,
    @InjectRootLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'consent-listener' });
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.database.url });
    client.on('notification', (message) => {
      if (message.payload) void this.reload(message.payload);
    });
    client.on('error', (error) =>
      this.log.warn({ err: error }, 'consent listener connection failed'),
    );
    await client.connect();
    await client.query(`LISTEN ${CONSENT_CHANNEL}`);
    client.on('end', () => this.scheduleReconnect(250));
    this.client = client;
    this.cache.replaceAll(await this.store.list());
  }

  private async reload(deviceId: string): Promise<void> {
    try {
      this.cache.set(deviceId, await this.store.find(deviceId));
    } catch (error) {
      this.log.warn(
        { err: error, deviceId },
        'could not reload a consent; reconnecting to reload all',
      );
      await this.client?.end().catch(() => undefined);
    }
  }

  private scheduleReconnect(delay: number): void {
    if (this.stopped) return;
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch((error: unknown) => {
        this.log.warn({ err: error, retryInMs: delay }, 'consent listener could not reconnect');
        this.scheduleReconnect(Math.min(delay * 2, MAX_RECONNECT_DELAY_MS));
      });
    }, delay);
  }
}
