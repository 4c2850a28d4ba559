import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Logger } from 'pino';
import { type AppConfig, InjectConfig } from '../config';
import { ChannelListener } from '../database';
import { InjectRootLogger } from '../observability';
import { ConsentCache } from './consent-cache';
import { readConsentNotice } from './consent-notice';
import { CONSENT_CHANNEL, ConsentStore } from './consent.store';

/**
 * Keeps the consent cache equal to the database: loads everything at start, then applies every change
 * any instance announces on the Postgres channel, in commit order (a notice too long to carry the
 * consent is read back before the next one is applied); versions keep a late change from
 * overwriting a newer one.
 */
@Injectable()
export class ConsentListener implements OnModuleInit, OnModuleDestroy {
  private readonly listener: ChannelListener;

  constructor(
    store: ConsentStore,
    cache: ConsentCache,
    @InjectConfig() config: AppConfig,
    @InjectRootLogger() logger: Logger,
  ) {
    this.listener = new ChannelListener(
      config.database,
      CONSENT_CHANNEL,
      {
        reload: async () => cache.replaceAll(await store.snapshot()),
        notice: async (payload) => {
          const notice = readConsentNotice(payload);
          const consent =
            notice.consent === undefined ? await store.find(notice.deviceId) : notice.consent;
          cache.set(notice.deviceId, consent, notice.version);
        },
      },
      logger.child({ component: 'consent-listener' }),
    );
  }

  onModuleInit(): Promise<void> {
    return this.listener.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.listener.stop();
  }
}
