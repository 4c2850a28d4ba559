import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, RouterModule } from '@nestjs/core';
import { Logger } from 'pino';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { HttpErrorFilter } from './common/http-error.filter';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { ConsentCallbackModule, ConsentModule } from './consent/consent.module';
import { DatabaseModule } from './database/database.module';
import { IngestModule } from './ingest/ingest.module';
import { HealthController } from './observability/health.controller';
import { LoggingModule, ROOT_LOGGER } from './observability/logging.module';
import { MetricsModule } from './observability/metrics.module';
import { PublishModule } from './publish/publish.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        MetricsModule,
        DatabaseModule,
        PublishModule,
        ApiKeysModule,
        ConsentModule,
        ConsentCallbackModule,
        IngestModule,
        RouterModule.register([
          { path: config.consent.callbackPath, module: ConsentCallbackModule },
        ]),
      ],
      controllers: [HealthController],
      providers: [
        {
          provide: APP_FILTER,
          inject: [ROOT_LOGGER],
          useFactory: (log: Logger) => new HttpErrorFilter(log),
        },
      ],
    };
  }
}
