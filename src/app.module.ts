import { DynamicModule, Module, OnModuleDestroy } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, RouterModule } from '@nestjs/core';
import { Logger } from 'pino';
import { AccountSessionsModule } from './account-sessions';
import { AccountsModule } from './accounts';
import { PartnersModule } from './partners';
import { HealthIndicator, HttpErrorFilter } from './common';
import { ShutdownGuard, ShutdownModule, ShutdownState } from './shutdown';
import { CloudControlModule } from './cloud-control';
import { type AppConfig, ConfigModule } from './config';
import { ConsentCallbackModule, ConsentModule } from './consent';
import { ControlModule } from './control';
import { DatabaseHealth, DatabaseModule } from './database';
import { HEALTH_INDICATORS, HealthController } from './health.controller';
import { IngestModule, IngestPipeline } from './ingest';
import { LatestStateModule } from './latest-state';
import { LeasedSessionKeys, LeasesModule } from './leases';
import { ManagementServer } from './management-server';
import { MetricsController } from './metrics.controller';
import { LoggingModule, MetricsModule, ROOT_LOGGER, TracingModule } from './observability';
import { PublisherHealth, PublishModule } from './publish';
import { ResyncModule } from './resync';
import { SessionsHealth, ShellyModule } from './shelly';

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
        TracingModule,
        DatabaseModule,
        PublishModule,
        PartnersModule.forRoot({ imports: [LeasesModule] }),
        ConsentModule,
        ConsentCallbackModule,
        AccountsModule,
        IngestModule,
        ShellyModule.forRoot({
          imports: [IngestModule, LeasesModule],
          frames: IngestPipeline,
          sessionKeys: LeasedSessionKeys,
        }),
        ControlModule,
        CloudControlModule,
        AccountSessionsModule,
        ResyncModule,
        LatestStateModule,
        RouterModule.register([
          { path: config.consent.callbackPath, module: ConsentCallbackModule },
        ]),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        ManagementServer,
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
