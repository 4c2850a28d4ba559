import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { PgPool } from './pg-pool';
import { PrismaService } from './prisma.service';

@Global()
@Module({
  providers: [
    {
      provide: PrismaService,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new PrismaService(config.database),
    },
    {
      provide: PgPool,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new PgPool({ connectionString: config.database.url, max: config.database.poolSize }),
    },
  ],
  exports: [PrismaService, PgPool],
})
export class DatabaseModule {}
