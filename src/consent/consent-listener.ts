import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { Logger } from 'pino';
import { AppConfig } from '../config/config';
import { InjectConfig } from '../config/config.module';
import { InjectRootLogger } from '../observability/logging.module';
import { ConsentCache } from './consent-cache';
import { readConsentNotice } from './consent-notice';
import { CONSENT_CHANNEL, ConsentStore } from './consent.store';

const MAX_RECONNECT_DELAY_MS = 10_000;

/**
 * Keeps the consent cache equal to the database: loads everything at start, then applies every change
 * any instance announces on the Postgres channel, in commit order (a notice too long to carry the
 * consent is read back before the next one is applied). After a lost connection it reloads
 * everything, since notifications sent meanwhile are gone.
 */
@Injectable()
export class ConsentListener implements OnModuleInit, OnModuleDestroy {
  private client?: Client;
  private stopped = false;
  private reconnectTimer?: NodeJS.Timeout;
  private notices: Promise<void> = Promise.resolve();
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
      const payload = message.payload;
      if (payload) this.notices = this.notices.then(() => this.apply(payload));
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

  private async apply(payload: string): Promise<void> {
    let deviceId: string | undefined;
    try {
      const notice = readConsentNotice(payload);
      deviceId = notice.deviceId;
      const consent =
        notice.consent === undefined ? await this.store.find(notice.deviceId) : notice.consent;
      this.cache.set(notice.deviceId, consent);
    } catch (error) {
      this.log.warn(
        { err: error, deviceId },
        'could not apply a consent change; reconnecting to reload all',
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
