// What other modules may use of this one (see .dependency-cruiser.cjs).
export { DatabaseHealth } from './database.health';
export { ChannelListener } from './channel-listener';
export type { ChannelHandlers } from './channel-listener';
export { DatabaseModule } from './database.module';
export { readMigrations } from './migrations';
export { migrate } from './migrator';
export { pgConnectionConfig } from './pg-connection-config';
export { PgPool } from './pg-pool';
export { PrismaService } from './prisma.service';
export { GroupCommit } from './group-commit';
export type { GroupWork, Settled, TransactionRunner } from './group-commit';
