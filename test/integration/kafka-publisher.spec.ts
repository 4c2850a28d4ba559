import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { KafkaEventPublisher } from '../../src/publish/kafka-event.publisher';
import { ensureTopics } from '../../src/publish/topic-admin';
import { topicNames } from '../../src/publish/topics';
import { readTopic } from '../support/kafka-reader';
import { requireServices, uniqueName } from '../support/services';

describe('publishing to a real Kafka broker', () => {
  const { kafkaBrokers } = requireServices();
  const kafka = new Kafka({
    clientId: 'it',
    brokers: kafkaBrokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const config = {
    brokers: kafkaBrokers.split(','),
    clientId: 'it',
    ssl: false,
    topicPrefix: `${uniqueName('it')}.`,
    topicPartitions: 3,
    topicReplicationFactor: -1,
    batchMaxEvents: 100,
    batchMaxBytes: 900000,
    lingerMs: 0,
    compression: 'none' as const,
  };
  const topics = topicNames(config.topicPrefix);

  it('creates every configured topic with the configured partitions, and is idempotent', async () => {
    await ensureTopics(kafka, config, pino({ level: 'silent' }));
    await ensureTopics(kafka, config, pino({ level: 'silent' }));
    const admin = kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: Object.values(topics) });
      expect(metadata.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual(
        Object.values(topics)
          .map((t) => [t, 3])
          .sort(),
      );
    } finally {
      await admin.disconnect();
    }
  });

  it('delivers key, headers and value intact to a real consumer, in order per key', async () => {
    await ensureTopics(kafka, config, pino({ level: 'silent' }));
    const publisher = new KafkaEventPublisher(kafka);
    await publisher.onModuleInit();
    const events = [1, 2, 3].map((n) => ({
      topic: topics.deviceStatus,
      key: 'cc7b5c0c5d9c',
      type: 'device.status.v1',
      id: randomUUID(),
      value: JSON.stringify({ n, text: 'Küche ✓' }),
    }));
    try {
      await publisher.publish(events);
    } finally {
      await publisher.onApplicationShutdown();
    }
    const received = await readTopic(kafkaBrokers, topics.deviceStatus, (m) => m.length >= 3);
    expect(received).toEqual(
      events.map((e) => ({
        key: e.key,
        value: JSON.parse(e.value),
        headers: { 'content-type': 'application/json', 'event-type': e.type, 'event-id': e.id },
      })),
    );
  });
});
