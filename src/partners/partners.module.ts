import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config';
import { PrismaService } from '../database';
import { ROOT_LOGGER } from '../observability';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyStore } from './api-key.store';
import { ApiKeysController } from './api-keys.controller';
import { ConsentLinkSigner } from './consent-link';
import { PartnerStore } from './partner.store';
import { PartnersController } from './partners.controller';

@Global()
@Module({
  providers: [
    {
      provide: ApiKeyStore,
      inject: [PrismaService, APP_CONFIG, ROOT_LOGGER],
      useFactory: (prisma: PrismaService, config: AppConfig, logger: Logger) =>
        new ApiKeyStore(prisma, config.apiKeys.pepper, logger.child({ component: 'api-keys' })),
    },
    {
      provide: ConsentLinkSigner,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new ConsentLinkSigner(config.apiKeys.pepper),
    },
    PartnerStore,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
  controllers: [PartnersController, ApiKeysController],
  exports: [ApiKeyStore, ConsentLinkSigner, PartnerStore],
})
export class PartnersModule {}
