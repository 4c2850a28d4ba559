import {
  type DatabaseConfig,
  databaseConfigFrom,
  databaseVariableNames,
  readVariables,
} from '../config';
import { PgPool, pgConnectionConfig, PrismaService } from '../database';

function databaseConfig(): DatabaseConfig {
  return databaseConfigFrom(readVariables(process.env, databaseVariableNames));
}

/** Runs `work` with a `pg` pool on DATABASE_URL and always closes it. */
export async function withPgPool<T>(work: (pool: PgPool) => Promise<T>): Promise<T> {
  const pool = new PgPool({ ...pgConnectionConfig(databaseConfig()), max: 2 });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

/** Runs `work` with a Prisma client on DATABASE_URL and always disconnects. */
export async function withPrisma<T>(work: (prisma: PrismaService) => Promise<T>): Promise<T> {
  const prisma = new PrismaService(databaseConfig());
  await prisma.onModuleInit();
  try {
    return await work(prisma);
  } finally {
    await prisma.onModuleDestroy();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(
    `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2)}\n`,
  );
}
