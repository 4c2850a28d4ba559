import { DynamicModule, Module, OnModuleDestroy } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, RouterModule } from '@nestjs/core';
import { Logger } from 'pino';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { HealthIndicator } from './common/health-indicator';
import { HttpErrorFilter } from './common/http-error.filter';
import { ShutdownGuard, ShutdownModule, ShutdownState } from './common/shutdown';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { ConsentSessionKeys } from './consent/consent-session-keys';
import { ConsentCallbackModule, ConsentModule } from './consent/consent.module';
import { ControlModule } from './control/control.module';
import { DatabaseHealth } from './database/database.health';
import { DatabaseModule } from './database/database.module';
import { HEALTH_INDICATORS, HealthController } from './health.controller';
import { IngestPipeline } from './ingest/ingest-pipeline';
import { IngestModule } from './ingest/ingest.module';
import { LoggingModule, ROOT_LOGGER } from './observability/logging.module';
import { MetricsModule } from './observability/metrics.module';
import { PublishModule } from './publish/publish.module';
import { PublisherHealth } from './publish/publisher.health';
import { SessionsHealth } from './shelly/sessions.health';
import { ShellyModule } from './shelly/shelly.module';

@Module({})
export class AppModule implements OnModuleDestroy {
  constructor(private readonly shutdown: ShutdownState) {}

  /**
   * The root module's destroy hook runs before every other module's, so requests are refused from
   * here on, while the sockets, the database clients and the producer are still being closed.
   */
  onModuleDestroy(): void {
    this.shutdown.begin();
  }

  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        ShutdownModule,
        MetricsModule,
        DatabaseModule,
        PublishModule,
        ApiKeysModule,
        ConsentModule,
        ConsentCallbackModule,
        IngestModule,
        ShellyModule.forRoot({
          imports: [IngestModule, ConsentModule],
          frames: IngestPipeline,
          sessionKeys: ConsentSessionKeys,
        }),
        ControlModule,
        RouterModule.register([
          { path: config.consent.callbackPath, module: ConsentCallbackModule },
        ]),
      ],
      controllers: [HealthController],
      providers: [
        {
          provide: HEALTH_INDICATORS,
          inject: [DatabaseHealth, PublisherHealth, SessionsHealth],
          useFactory: (...indicators: HealthIndicator[]) => indicators,
        },
        // First of the global guards (this module's providers are registered first): a request
        // refused for shutdown never reaches the API-key guard, which needs the database.
        { provide: APP_GUARD, useClass: ShutdownGuard },
        {
          provide: APP_FILTER,
          inject: [ROOT_LOGGER],
          useFactory: (log: Logger) => new HttpErrorFilter(log),
        },
      ],
    };
  }
}
