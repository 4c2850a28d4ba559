import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Client, Pool } from 'pg';
import { databaseConfigFrom, databaseVariableNames, readVariables } from '../../src/config/config';
import { readMigrations } from '../../src/database/migrations';
import { migrate } from '../../src/database/migrator';
import { PrismaService } from '../../src/database/prisma.service';

const builtEmbeddedPostgres = resolve(__dirname, '../../dist/demo/embedded-postgres.js');

/**
 * In a process of its own, from the build: PGlite loads its WebAssembly through a dynamic import,
 * which Jest's module sandbox does not allow.
 */
async function startEmbeddedPostgres(): Promise<{ url: string; process: ChildProcess }> {
  const script = `
    const { EmbeddedPostgres } = require(${JSON.stringify(builtEmbeddedPostgres)});
    EmbeddedPostgres.start().then((postgres) => {
      console.log(postgres.url);
      process.once('SIGTERM', () => postgres.stop().then(() => process.exit(0)));
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((done, fail) => {
    child.stdout?.once('data', (chunk: Buffer) => done(chunk.toString().trim()));
    child.once('exit', (code) => fail(new Error(`embedded Postgres exited with ${code}`)));
  });
  return { url, process: child };
}

/**
 * The demo's database: PGlite served over the wire protocol. These are the things the service does
 * with Postgres, from several connections at once, which a single PGlite session must survive.
 */
describe('embedded Postgres for the demo', () => {
  let postgres: { url: string; process: ChildProcess };
  let pool: Pool;

  beforeAll(async () => {
    postgres = await startEmbeddedPostgres();
    pool = new Pool({ connectionString: postgres.url, max: 6 });
  }, 30_000);

  afterAll(async () => {
    await pool?.end();
    postgres?.process.kill('SIGTERM');
  });

  it('applies the migrations under the migrator’s advisory lock', async () => {
    const report = await migrate(postgres.url, readMigrations());
    expect(report.applied.length).toBeGreaterThan(0);
    expect((await migrate(postgres.url, readMigrations())).applied).toEqual([]);
  });

  it('keeps concurrent parameterized queries and transactions of a pool apart', async () => {
    await pool.query('CREATE TABLE probe (id int PRIMARY KEY, worker int)');
    const wrong: string[] = [];
    const worker = async (n: number) => {
      for (let i = 0; i < 60; i++) {
        if (i % 3 === 0) {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`w${n}`]);
            await client.query('INSERT INTO probe VALUES ($1, $2)', [n * 1000 + i, n]);
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        } else {
          const { rows } = await pool.query<Record<string, unknown>>(
            `SELECT $1::int AS v${n}, repeat('x', $2) AS pad`,
            [i, n],
          );
          if (rows[0]?.[`v${n}`] !== i || rows[0]?.pad !== 'x'.repeat(n)) wrong.push(`${n}/${i}`);
        }
      }
    };
    await Promise.all([1, 2, 3, 4, 5, 6].map(worker));
    expect(wrong).toEqual([]);
    const { rows } = await pool.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM probe',
    );
    expect(rows[0].count).toBe(6 * 20);
  });

  it('delivers a NOTIFY committed on one connection to the connection that LISTENs', async () => {
    const listener = new Client({ connectionString: postgres.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (message) => heard.push(`${message.channel}:${message.payload}`));
    try {
      await listener.query('LISTEN device_consent_changed');
      await pool.query('SELECT pg_notify($1, $2)', ['device_consent_changed', 'cc7b5c0c5d9c']);
      await pool.query('SELECT pg_notify($1, $2)', ['another_channel', 'x']);
      await new Promise((done) => setTimeout(done, 200));
      expect(heard).toEqual(['device_consent_changed:cc7b5c0c5d9c']);
    } finally {
      await listener.end();
    }
  });

  it('rolls back the open transaction of a connection that goes away', async () => {
    const client = new Client({ connectionString: postgres.url });
    client.on('error', () => undefined);
    await client.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO probe VALUES (-1, -1)');
    (
      client as unknown as { connection: { stream: { destroy(): void } } }
    ).connection.stream.destroy();
    const { rows } = await pool.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM probe WHERE id = -1',
    );
    expect(rows[0].count).toBe(0);
  });

  it('serves Prisma through its pg adapter, interactive transactions included', async () => {
    const prisma = new PrismaService(
      databaseConfigFrom(
        readVariables(
          { DATABASE_URL: postgres.url, DATABASE_POOL_SIZE: '3' },
          databaseVariableNames,
        ),
      ),
    );
    await prisma.onModuleInit();
    try {
      const created = await prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT pg_try_advisory_xact_lock(${73_001_001})`;
        return tx.shellyHost.create({ data: { name: 'shelly-103-eu.shelly.cloud' } });
      });
      const [found, count] = await Promise.all([
        prisma.shellyHost.findUnique({ where: { name: created.name } }),
        prisma.apiKey.count(),
      ]);
      expect(found?.name).toBe('shelly-103-eu.shelly.cloud');
      expect(count).toBe(0);
    } finally {
      await prisma.onModuleDestroy();
    }
  });
});
