import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { AppConfig, loadConfig } from '../../src/config/config';
import { readMigrations } from '../../src/database/migrations';
import { migrate } from '../../src/database/migrator';

export interface TestServices {
  databaseUrl: string;
  kafkaBrokers: string;
}

export function requireServices(): TestServices {
  const databaseUrl = process.env.DATABASE_URL;
  const kafkaBrokers = process.env.KAFKA_BROKERS;
  if (!databaseUrl || !kafkaBrokers) {
    throw new Error(
      'Integration tests need a real Postgres and Kafka: set DATABASE_URL and KAFKA_BROKERS ' +
        '(`npm run test:local` installs and starts both on this machine), or run where a Docker engine answers.',
    );
  }
  return { databaseUrl, kafkaBrokers };
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/**
 * The start of every topic name of this test run (the global setup names the run), so that its
 * teardown deletes its own topics and never those of another run on the same broker.
 */
export function testRunTopicPrefix(): string {
  return `it_${process.env.TEST_RUN_ID ?? 'local'}_`;
}

/** A `KAFKA_TOPIC_PREFIX` of its own for one service or client of this test run. */
export function uniqueTopicPrefix(): string {
  return `${uniqueName(testRunTopicPrefix().slice(0, -1))}.`;
}

/**
 * Deletes the topics whose names start with `prefix` (a test run's or a benchmark's), so that a
 * long-lived local broker does not pile up thousands of partitions that slow it down.
 */
export async function deleteTopicsStartingWith(brokers: string, prefix: string): Promise<void> {
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 60_000 });
  } finally {
    await admin.disconnect();
  }
}

/** A fresh, empty database beside the one DATABASE_URL names, so test files never share state. */
export async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const { databaseUrl } = requireServices();
  const name = uniqueName('it');
  await withAdmin(databaseUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => dropDatabase(databaseUrl, name),
  };
}

export async function createMigratedDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const database = await createEmptyDatabase();
  await migrate(database.url, readMigrations());
  return database;
}

/** Postgres's answer when the database to drop is in use by a process the test role may not end. */
const NOT_ALLOWED_TO_END = '42501';

/**
 * Drops a test database, whoever still uses it. An autovacuum worker that happens to be in it runs
 * as the superuser, whom the test role may not end: it finishes within moments, so the drop is tried
 * again for a while.
 */
async function dropDatabase(databaseUrl: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await withAdmin(databaseUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== NOT_ALLOWED_TO_END || attempt === 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function withAdmin<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const testIntegratorToken = 'itg-secret-token-0123456789abcdef';
export const testApiKeyPepper = 'pepper-0123456789abcdef0123456789abcdef';

/**
 * A complete service configuration for tests, on the real services, with a topic prefix of its own.
 * `KAFKA_CLIENT` in the environment picks the producer driver of every suite not naming one itself.
 */
export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): AppConfig {
  const { kafkaBrokers } = requireServices();
  return loadConfig({
    NODE_ENV: 'test',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    MANAGEMENT_PORT: '0',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: kafkaBrokers,
    KAFKA_TOPIC_PREFIX: uniqueTopicPrefix(),
    KAFKA_TOPIC_PARTITIONS: '3',
    SHELLY_INTEGRATOR_TAG: 'ITG_TEST',
    SHELLY_INTEGRATOR_TOKEN: testIntegratorToken,
    API_KEY_PEPPER: testApiKeyPepper,
    ...(process.env.KAFKA_CLIENT ? { KAFKA_CLIENT: process.env.KAFKA_CLIENT } : {}),
    ...overrides,
  });
}
