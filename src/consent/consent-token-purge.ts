import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Logger } from 'pino';
import { type AppConfig, InjectConfig } from '../config';
import { InjectRootLogger } from '../observability';
import { ConsentStore } from './consent.store';

const PURGE_INTERVAL_MS = 60_000;

/**
 * Forgets the accepted `SCL-Trust` tokens once the verifier would refuse them anyway (expired
 * beyond the clock skew), so the table holds only the last few minutes of callbacks. Every instance
 * runs it; deleting twice is harmless.
 */
@Injectable()
export class ConsentTokenPurge implements OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private readonly log: Logger;

  constructor(
    private readonly store: ConsentStore,
    @InjectConfig() private readonly config: AppConfig,
    @InjectRootLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'consent-token-purge' });
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.purge(), PURGE_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async purge(): Promise<number> {
    const before = new Date(Date.now() - this.config.consent.clockSkewSeconds * 1000);
    try {
      return await this.store.purgeExpiredTokens(before);
    } catch (error) {
      this.log.warn(
        { err: error },
        'expired consent tokens could not be purged; trying again later',
      );
      return 0;
    }
  }
}
