import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { Logger } from 'pino';
import { backoffDelay, type BackoffPolicy, sleep } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { pgConnectionConfig } from '../database';
import { InjectRootLogger } from '../observability';
import { ConsentCache } from './consent-cache';
import { readConsentNotice } from './consent-notice';
import { CONSENT_CHANNEL, ConsentStore } from './consent.store';

const RECONNECT: BackoffPolicy = { minMs: 250, maxMs: 10_000, jitter: 0 };

/**
 * Keeps the consent cache equal to the database: loads everything at start, then applies every change
 * any instance announces on the Postgres channel, in commit order (a notice too long to carry the
 * consent is read back before the next one is applied). After a lost connection it reloads
 * everything, since notifications sent meanwhile are gone; the reload and the notices share one
 * queue, and versions keep a late change from overwriting a newer one.
 */
@Injectable()
export class ConsentListener implements OnModuleInit, OnModuleDestroy {
  private client?: Client;
  private readonly stopping = new AbortController();
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
    this.stopping.abort();
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    // The timeouts bound connecting and each statement; none ends an idle session, so it may listen for good.
    const client = new Client(pgConnectionConfig(this.config.database));
    client.on('notification', (message) => {
      const payload = message.payload;
      if (payload) this.notices = this.notices.then(() => this.apply(payload));
    });
    client.on('error', (error) =>
      this.log.warn({ err: error }, 'consent listener connection failed'),
    );
    await client.connect();
    // The reload joins the queue before the first notice can, and reads the snapshot only once the
    // LISTEN holds: every change the snapshot misses is applied after it, none is overwritten by it.
    const listening = client.query(`LISTEN ${CONSENT_CHANNEL}`);
    const reload = this.notices.then(async () => {
      await listening;
      this.cache.replaceAll(await this.store.snapshot());
    });
    this.notices = reload.catch(() => undefined);
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
    let deviceId: string | undefined;
    try {
      const notice = readConsentNotice(payload);
      deviceId = notice.deviceId;
      const consent =
        notice.consent === undefined ? await this.store.find(notice.deviceId) : notice.consent;
      this.cache.set(notice.deviceId, consent, notice.version);
    } catch (error) {
      this.log.warn(
        { err: error, deviceId },
        'could not apply a consent change; reconnecting to reload all',
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
        this.log.warn({ err: error, retryInMs: delay }, 'consent listener could not reconnect');
      }
    }
  }
}
