import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { databaseConfigFrom, databaseVariableNames, readVariables } from '../../src/config/config';
import { readMigrations } from '../../src/database/migrations';
import { migrate, MigrationError } from '../../src/database/migrator';
import { PrismaService } from '../../src/database/prisma.service';
import { createEmptyDatabase } from '../support/services';

async function appliedRows(url: string): Promise<{ migration_name: string; checksum: string }[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name',
    );
    return rows;
  } finally {
    await client.end();
  }
}

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

describe('database migrations on a real Postgres', () => {
  let database: { url: string; drop(): Promise<void> };

  beforeEach(async () => {
    database = await createEmptyDatabase();
  });

  afterEach(async () => {
    await database.drop();
  });

  it('migrates an empty database and records each migration the way Prisma does', async () => {
    const migrations = readMigrations();
    const report = await migrate(database.url, migrations);
    expect(report.applied).toEqual(migrations.map((m) => m.name));
    expect(await appliedRows(database.url)).toEqual(
      migrations.map((m) => ({ migration_name: m.name, checksum: m.checksum })),
    );
  });

  it('applies nothing the second time', async () => {
    await migrate(database.url, readMigrations());
    const again = await migrate(database.url, readMigrations());
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe(readMigrations().length);
  });

  it('applies each migration exactly once when two instances start at the same moment', async () => {
    const migrations = readMigrations();
    const reports = await Promise.all([
      migrate(database.url, migrations),
      migrate(database.url, migrations),
    ]);
    expect(reports.flatMap((r) => r.applied).sort()).toEqual(migrations.map((m) => m.name).sort());
    expect(await appliedRows(database.url)).toHaveLength(migrations.length);
  });

  it('refuses to continue when an applied migration file has changed', async () => {
    const original = migrationsDir({ '20260101000000_t': 'CREATE TABLE t (id int);\n' });
    await migrate(database.url, readMigrations(original));
    const edited = migrationsDir({
      '20260101000000_t': 'CREATE TABLE t (id bigint);\n',
      '20260201000000_u': 'CREATE TABLE u (id int);\n',
    });
    await expect(migrate(database.url, readMigrations(edited))).rejects.toThrow(
      new MigrationError(
        'migration 20260101000000_t was changed after it was applied (checksum differs); restore the original file and add a new migration instead',
      ),
    );
    expect((await appliedRows(database.url)).map((r) => r.migration_name)).toEqual([
      '20260101000000_t',
    ]);
  });

  it('rolls back a failing migration completely and records nothing for it', async () => {
    const dir = migrationsDir({
      '20260101000000_bad': 'CREATE TABLE v (id int);\nSELECT * FROM missing_table;\n',
    });
    await expect(migrate(database.url, readMigrations(dir))).rejects.toThrow(
      /20260101000000_bad failed and was rolled back/,
    );
    expect(await appliedRows(database.url)).toEqual([]);
    const fixed = migrationsDir({ '20260101000000_bad': 'CREATE TABLE v (id int);\n' });
    expect((await migrate(database.url, readMigrations(fixed))).applied).toEqual([
      '20260101000000_bad',
    ]);
  });

  it('writes and reads rows through Prisma on the migrated schema', async () => {
    await migrate(database.url, readMigrations());
    const prisma = new PrismaService(
      databaseConfigFrom(
        readVariables(
          { DATABASE_URL: database.url, DATABASE_POOL_SIZE: '2' },
          databaseVariableNames,
        ),
      ),
    );
    await prisma.onModuleInit();
    try {
      const eventId = '0b6f1c52-5a8e-4f61-9d0e-2f4b7c1a9e33';
      await prisma.outboxEvent.create({
        data: {
          topic: 'shelly.consent',
          key: 'cc7b5c0c5d9c',
          eventType: 'consent.granted.v1',
          eventId,
          payload: { scope: 'control' },
        },
      });
      const pending = await prisma.outboxEvent.findMany();
      expect(pending).toHaveLength(1);
      expect(pending[0]).toMatchObject({
        key: 'cc7b5c0c5d9c',
        eventId,
        payload: { scope: 'control' },
      });
      expect(pending[0].id).toBe(1n);
    } finally {
      await prisma.onModuleDestroy();
    }
  });
});
