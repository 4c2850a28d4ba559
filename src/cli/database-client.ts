import { databaseConfigFrom, readVariables } from '../config/config';
import { PgPool } from '../database/pg-pool';
import { PrismaService } from '../database/prisma.service';

/** Runs `work` with the database clients on DATABASE_URL and always disconnects. */
export async function withDatabase<T>(
  work: (prisma: PrismaService, pool: PgPool) => Promise<T>,
): Promise<T> {
  const config = databaseConfigFrom(
    readVariables(process.env, ['DATABASE_URL', 'DATABASE_POOL_SIZE']),
  );
  const prisma = new PrismaService(config);
  const pool = new PgPool({ connectionString: config.url, max: 2 });
  await prisma.onModuleInit();
  try {
    return await work(prisma, pool);
  } finally {
    await prisma.onModuleDestroy();
    await pool.end();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(
    `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2)}\n`,
  );
}
