import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
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

export interface PartnersPorts {
  /**
   * The modules that provide `LiveReplicas`: the API-key guard enforces this replica's share of the
   * limit of failed authentications.
   */
  imports: NonNullable<ModuleMetadata['imports']>;
}

/**
 * Partners, API keys and the API-key guard of every route. Registered once at the root, which names
 * where the count of live replicas comes from; global, so that every controller finds the key store.
 */
@Module({})
export class PartnersModule {
  static forRoot(ports: PartnersPorts): DynamicModule {
    return {
      module: PartnersModule,
      global: true,
      imports: ports.imports,
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
    };
  }
}
