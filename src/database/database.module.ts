import { Global, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config';
import { ROOT_LOGGER } from '../observability';
import { DatabaseHealth } from './database.health';
import { pgConnectionConfig } from './pg-connection-config';
import { PgPool } from './pg-pool';
import { PrismaService } from './prisma.service';

@Global()
@Module({
  providers: [
    DatabaseHealth,
    {
      provide: PrismaService,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new PrismaService(config.database),
    },
    {
      provide: PgPool,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: (config: AppConfig, logger: Logger) =>
        new PgPool(
          { ...pgConnectionConfig(config.database), max: config.database.poolSize },
          (error) =>
            logger.warn(
              { component: 'pg-pool', problem: error.message },
              'an idle database connection failed; it is replaced on next use',
            ),
        ),
    },
  ],
  exports: [PrismaService, PgPool, DatabaseHealth],
})
export class DatabaseModule {}
