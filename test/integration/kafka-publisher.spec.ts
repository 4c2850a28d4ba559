import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { KafkaConfig } from '../../src/config/config';
import { EventPublisher, OutgoingEvent, recordHeaders } from '../../src/publish/event-publisher';
import { KafkaEventPublisher } from '../../src/publish/kafka-event.publisher';
import { kafkaRefusal } from '../../src/publish/kafka-refusal';
import { PlatformaticKafkaPublisher } from '../../src/publish/platformatic-kafka.publisher';
import { ensureTopics } from '../../src/publish/topic-admin';
import { topicNames } from '../../src/config/topics';
import { DedicatedKafka, startDedicatedKafka } from '../support/dedicated-kafka';
import { eventually } from '../support/eventually';
import { ReadMessage, readTopic } from '../support/kafka-reader';
import { requireServices, uniqueTopicPrefix } from '../support/services';

type Driver = KafkaConfig['client'];
const drivers: Driver[] = ['kafkajs', 'platformatic'];

type Publisher = EventPublisher & {
  onModuleInit(): Promise<void>;
  onApplicationShutdown(): Promise<void>;
};

const silent = pino({ level: 'silent' });
const SOURCE = 'urn:shelly-ingest:integrator:shelly-103-eu.shelly.cloud';
const TIME = '2025-03-02T10:15:00.000Z';

function kafkaFor(brokers: string): Kafka {
  return new Kafka({ clientId: 'it', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

function kafkaConfig(brokers: string, overrides: Partial<KafkaConfig> = {}): KafkaConfig {
  const topicPrefix = uniqueTopicPrefix();
  return {
    brokers: brokers.split(','),
    clientId: 'it',
    ssl: false,
    topicPrefix,
    topics: topicNames(topicPrefix),
    topicPerPartner: false,
    topicPartitions: 3,
    topicReplicationFactor: -1,
    batchMaxEvents: 100,
    batchMaxBytes: 900000,
    lingerMs: 0,
    compression: 'none',
    client: 'kafkajs',
    ...overrides,
  };
}

/** The driver `config.client` names, as the publish module builds it (minus topic creation). */
function createPublisher(config: KafkaConfig): Publisher {
  return config.client === 'platformatic'
    ? new PlatformaticKafkaPublisher(config)
    : new KafkaEventPublisher(kafkaFor(config.brokers.join(',')), config.compression);
}

/** `perKey` events for each of `keys` on each topic, interleaved, numbered per key from `from`. */
function eventsFor(
  topics: readonly string[],
  keys: readonly string[],
  perKey: number,
  from = 0,
): OutgoingEvent[] {
  const events: OutgoingEvent[] = [];
  for (let n = from; n < from + perKey; n++) {
    for (const key of keys) {
      for (const topic of topics) {
        events.push({
          topic,
          key,
          type: 'device.status.v1',
          id: randomUUID(),
          source: SOURCE,
          time: TIME,
          partner: null,
          value: JSON.stringify({ key, n, text: 'Küche ✓ "quoted"' }),
        });
      }
    }
  }
  return events;
}

/** The idempotent producer id of the platformatic driver's producer. */
function producerId(publisher: Publisher): bigint | undefined {
  return (publisher as unknown as { producer: { producerId?: bigint } }).producer.producerId;
}

function deviceKeys(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (0xcc7b5c0c0000 + i * 7919).toString(16));
}

/** The `n` of each message, per key, in the order the consumer received them. */
function numbersPerKey(messages: readonly ReadMessage[]): Map<string, number[]> {
  const perKey = new Map<string, number[]>();
  for (const message of messages) {
    const list = perKey.get(message.key ?? '') ?? [];
    list.push((message.value as { n: number }).n);
    perKey.set(message.key ?? '', list);
  }
  return perKey;
}

async function partitionCounts(brokers: string, topic: string): Promise<number[]> {
  const admin = kafkaFor(brokers).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.sort((a, b) => a.partition - b.partition).map((p) => Number(p.high));
  } finally {
    await admin.disconnect();
  }
}

describe('publishing to a real Kafka broker', () => {
  const { kafkaBrokers } = requireServices();
  const kafka = kafkaFor(kafkaBrokers);

  it('creates every configured topic with the configured partitions, and is idempotent', async () => {
    const config = kafkaConfig(kafkaBrokers);
    const topics = config.topics;
    await ensureTopics(kafka, config, silent);
    await ensureTopics(kafka, config, silent);
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

  describe.each(drivers)('with the %s driver', (client) => {
    it('delivers key, headers and value intact to a real consumer, in order per key', async () => {
      const config = kafkaConfig(kafkaBrokers, { client });
      const topics = config.topics;
      await ensureTopics(kafka, config, silent);
      const publisher = createPublisher(config);
      await publisher.onModuleInit();
      const events = [1, 2, 3].map((n): OutgoingEvent => ({
        topic: topics.deviceStatus,
        key: 'cc7b5c0c5d9c',
        type: 'device.status.v1',
        id: randomUUID(),
        source: SOURCE,
        time: new Date(Date.UTC(2025, 2, 2, 10, 15, n)).toISOString(),
        // Both shapes of the headers: with a partner and without.
        partner: n === 2 ? null : 'acme-energy',
        value: JSON.stringify({ n, text: 'Küche ✓' }),
      }));
      try {
        await publisher.publish(events);
        expect(await publisher.health()).toBe('ok');
      } finally {
        await publisher.onApplicationShutdown();
      }
      const received = await readTopic(kafkaBrokers, topics.deviceStatus, (m) => m.length >= 3);
      expect(received).toEqual(
        events.map((e) => ({
          key: e.key,
          value: JSON.parse(e.value!),
          headers: recordHeaders(e),
        })),
      );
    });

    it('reports a record larger than the broker takes as refused, and publishes on to the partitions that took their records', async () => {
      const config = kafkaConfig(kafkaBrokers, { client });
      const topics = config.topics;
      await ensureTopics(kafka, config, silent);
      const publisher = createPublisher(config);
      await publisher.onModuleInit();
      const [accepted] = eventsFor([topics.deviceOnline], ['cc7b5c0c5d9c'], 1);
      const [next] = eventsFor([topics.deviceOnline], ['cc7b5c0c5d9c'], 1, 1);
      const [tooLarge] = eventsFor([topics.deviceStatus], ['cc7b5c0c5d9c'], 1);
      tooLarge.value = JSON.stringify({ text: 'x'.repeat(1_100_000) });
      try {
        const refusal = await publisher
          .publish([accepted, tooLarge])
          .then(() => undefined, kafkaRefusal);
        expect(refusal).toMatchObject({ reason: 'record_too_large' });
        await publisher.publish([next]);
      } finally {
        await publisher.onApplicationShutdown();
      }
      const received = await readTopic(kafkaBrokers, topics.deviceOnline, (m) =>
        m.some((message) => message.headers.ce_id === next.id),
      );
      expect(received.map((m) => m.headers.ce_id)).toEqual([accepted.id, next.id]);
    });

    it.each(['none', 'gzip'] as const)(
      'delivers one batch over several topics and partitions (compression %s), each key in order',
      async (compression) => {
        const config = kafkaConfig(kafkaBrokers, { client, compression });
        const topics = config.topics;
        const used = [topics.deviceStatus, topics.deviceOnline];
        await ensureTopics(kafka, config, silent);
        const keys = deviceKeys(24);
        const events = eventsFor(used, keys, 5);
        const publisher = createPublisher(config);
        await publisher.onModuleInit();
        try {
          await publisher.publish(events);
        } finally {
          await publisher.onApplicationShutdown();
        }

        for (const topic of used) {
          const sent = events.filter((e) => e.topic === topic);
          const received = await readTopic(
            kafkaBrokers,
            topic,
            (messages) => messages.length >= sent.length,
          );
          expect(received).toHaveLength(sent.length);
          const byId = new Map(received.map((m) => [m.headers.ce_id, m]));
          for (const event of sent) {
            expect(byId.get(event.id)).toEqual({
              key: event.key,
              value: JSON.parse(event.value!),
              headers: recordHeaders(event),
            });
          }
          for (const key of keys) expect(numbersPerKey(received).get(key)).toEqual([0, 1, 2, 3, 4]);
          const counts = await partitionCounts(kafkaBrokers, topic);
          expect(counts.filter((count) => count > 0).length).toBeGreaterThan(1);
        }
      },
    );
  });

  it('puts every key on the same partition with either driver', async () => {
    const keys = deviceKeys(500);
    const counts: number[][] = [];
    for (const client of drivers) {
      const config = kafkaConfig(kafkaBrokers, { client, topicPartitions: 12 });
      const topic = config.topics.deviceStatus;
      await ensureTopics(kafka, config, silent);
      const publisher = createPublisher(config);
      await publisher.onModuleInit();
      try {
        await publisher.publish(eventsFor([topic], keys, 1));
      } finally {
        await publisher.onApplicationShutdown();
      }
      counts.push(await partitionCounts(kafkaBrokers, topic));
    }
    expect(counts[0].reduce((a, b) => a + b, 0)).toBe(keys.length);
    expect(counts[1]).toEqual(counts[0]);
  });

  describe('when the broker stops', () => {
    let dedicated: DedicatedKafka | undefined;

    beforeAll(async () => {
      dedicated = await startDedicatedKafka();
    }, 120_000);

    afterAll(() => dedicated?.destroy());

    it.each(drivers)(
      'the %s driver rejects, then delivers the same batch again once the broker is back, in order',
      async (client) => {
        const broker = dedicated as DedicatedKafka;
        const config = kafkaConfig(broker.brokers, { client });
        const topic = config.topics.deviceStatus;
        await ensureTopics(kafkaFor(broker.brokers), config, silent);
        const keys = deviceKeys(12);
        const before = eventsFor([topic], keys, 3, 0);
        const during = eventsFor([topic], keys, 3, 3);
        const after = eventsFor([topic], keys, 3, 6);
        const publisher = createPublisher(config);
        await publisher.onModuleInit();
        try {
          await publisher.publish(before);
          const idBefore = producerId(publisher);
          await broker.stop();
          try {
            await expect(publisher.publish(during)).rejects.toThrow();
            expect(await publisher.health()).toBe('disconnected');
          } finally {
            await broker.start();
          }
          // As the PublishBuffer does: the refused batch again, as a whole, until it is acknowledged.
          await eventually(() => publisher.publish(during), 60_000);
          await publisher.publish(after);
          expect(await publisher.health()).toBe('ok');
          // The refused batch went out again under a fresh producer id, so the broker could not
          // refuse it for sequence numbers it had not seen (the platformatic client's own reset).
          if (client === 'platformatic') expect(producerId(publisher)).not.toBe(idBefore);
        } finally {
          await publisher.onApplicationShutdown();
        }

        const sent = [...before, ...during, ...after];
        const received = await readTopic(broker.brokers, topic, (messages) => {
          const ids = new Set(messages.map((m) => m.headers.ce_id));
          return sent.every((e) => ids.has(e.id));
        });
        // A batch resent after a failed acknowledgement may repeat events; their first copies keep order.
        for (const [key, numbers] of numbersPerKey(received)) {
          const firstCopies = numbers.filter((n, i) => numbers.indexOf(n) === i);
          expect([key, firstCopies]).toEqual([key, [0, 1, 2, 3, 4, 5, 6, 7, 8]]);
        }
      },
      180_000,
    );
  });
});
