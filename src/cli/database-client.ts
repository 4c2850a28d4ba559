import { databaseConfigFrom, readVariables } from '../config/config';
import { PrismaService } from '../database/prisma.service';

/** Runs `work` with a Prisma client on DATABASE_URL and always disconnects. */
export async function withDatabase<T>(work: (prisma: PrismaService) => Promise<T>): Promise<T> {
  const prisma = new PrismaService(
    databaseConfigFrom(readVariables(process.env, ['DATABASE_URL', 'DATABASE_POOL_SIZE'])),
  );
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
