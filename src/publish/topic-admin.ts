import { Kafka } from 'kafkajs';
import { Logger } from 'pino';
import { backoffDelay, type BackoffPolicy, sleep } from '../common';
import type { KafkaConfig } from '../config';

/** A broker that has just started answers "not the leader" or "loading" for a while. */
const STARTUP_PATIENCE_MS = 60_000;
const RETRY: BackoffPolicy = { minMs: 250, maxMs: 5_000, jitter: 0.1 };

/**
 * Creates the service's topics that do not exist yet; existing topics are never altered. Errors the
 * broker marks retriable are retried for a minute, so that a service and a broker starting together
 * do not fail each other.
 */
export async function ensureTopics(
  kafka: Kafka,
  config: KafkaConfig,
  logger: Logger,
): Promise<void> {
  const deadline = Date.now() + STARTUP_PATIENCE_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await createMissingTopics(kafka, config, logger);
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || Date.now() > deadline) throw error;
      const delay = backoffDelay(attempt, RETRY);
      logger.warn(
        { problem: (error as Error).message, retryInMs: delay },
        'Kafka not ready for topic creation',
      );
      await sleep(delay);
    }
  }
}

async function createMissingTopics(
  kafka: Kafka,
  config: KafkaConfig,
  logger: Logger,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = Object.values(config.topics).filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: config.topicPartitions,
        replicationFactor: config.topicReplicationFactor,
      })),
    });
    logger.info({ topics: missing }, 'created Kafka topics');
  } finally {
    await admin.disconnect();
  }
}
