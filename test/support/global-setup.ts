import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * Integration tests run against the services named by DATABASE_URL and KAFKA_BROKERS
 * (`npm run test:local` starts real ones on this machine). When those are unset and a Docker engine
 * answers, Postgres and Kafka containers are started instead. With neither, the integration tests
 * fail with the message of `requireServices()`; they never skip.
 */
export default async function globalSetup(): Promise<void> {
  // Inherited by the test workers: the run's topic names start with it (testRunTopicPrefix).
  process.env.TEST_RUN_ID ??= randomBytes(4).toString('hex');
  if (process.env.DATABASE_URL && process.env.KAFKA_BROKERS) return;
  if (!dockerAnswers()) return;
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const [postgres, kafka] = await Promise.all([
    new PostgreSqlContainer('postgres:15').start(),
    new KafkaContainer('confluentinc/cp-kafka:8.0.0').start(),
  ]);
  process.env.DATABASE_URL = postgres.getConnectionUri();
  process.env.KAFKA_BROKERS = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
  (globalThis as Record<string, unknown>).__testContainers = [postgres, kafka];
}

function dockerAnswers(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}
