import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import type { DatabaseConfig } from '../config';
import { PrismaClient } from '../generated/prisma/client';
import { pgConnectionConfig } from './pg-connection-config';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  constructor(config: DatabaseConfig) {
    super({ adapter: new PrismaPg({ ...pgConnectionConfig(config), max: config.poolSize }) });
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
