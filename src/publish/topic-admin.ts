import { Kafka } from 'kafkajs';
import { Logger } from 'pino';
import { KafkaConfig } from '../config/config';
import { topicNames } from './topics';

/** Creates the service's topics that do not exist yet; existing topics are never altered. */
export async function ensureTopics(
  kafka: Kafka,
  config: KafkaConfig,
  logger: Logger,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = Object.values(topicNames(config.topicPrefix)).filter((t) => !existing.has(t));
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
