import { randomBytes } from 'node:crypto';
import { Partitioners, PartitionMetadata } from 'kafkajs';
import { ConfigError, KafkaConfig, readVariables } from '../config/config';
import { topicNames } from '../config/topics';
import { murmur2, platformaticClientOptions } from './platformatic-kafka.publisher';

const config: KafkaConfig = {
  brokers: ['kafka-1:9093', 'kafka-2:9093'],
  clientId: 'shelly-ingest',
  ssl: false,
  topicPrefix: 'shelly.',
  topics: topicNames('shelly.'),
  topicPerPartner: false,
  topicPartitions: 12,
  topicReplicationFactor: -1,
  batchMaxEvents: 2000,
  batchMaxBytes: 900000,
  lingerMs: 0,
  compression: 'none',
  client: 'platformatic',
};

describe('PlatformaticKafkaPublisher', () => {
  it('partitions every key as kafkajs does', () => {
    const kafkajsPartition = Partitioners.DefaultPartitioner();
    const keys = [
      '',
      'a',
      'ab',
      'abc',
      'Küche ✓',
      ...Array.from({ length: 4000 }, (_, i) => randomBytes(6).toString('hex') + 'x'.repeat(i % 5)),
    ];
    for (const partitions of [1, 3, 7, 12]) {
      const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, i) => ({
        partitionId: i,
        leader: 0,
        partitionErrorCode: 0,
        replicas: [0],
        isr: [0],
      }));
      for (const key of keys) {
        const ours = (murmur2(Buffer.from(key)) & 0x7fffffff) % partitions;
        expect([key, ours]).toEqual([
          key,
          kafkajsPartition({ topic: 't', partitionMetadata, message: { key, value: null } }),
        ]);
      }
    }
  });

  it('connects in plain text without SASL unless configured', () => {
    const options = platformaticClientOptions(config);
    expect(options).toMatchObject({
      clientId: 'shelly-ingest',
      bootstrapBrokers: ['kafka-1:9093', 'kafka-2:9093'],
      retries: 5,
    });
    expect(options).not.toHaveProperty('tls');
    expect(options).not.toHaveProperty('sasl');
  });

  it('maps KAFKA_SSL to TLS with SNI and each SASL mechanism to its Kafka name', () => {
    for (const [mechanism, name] of [
      ['plain', 'PLAIN'],
      ['scram-sha-256', 'SCRAM-SHA-256'],
      ['scram-sha-512', 'SCRAM-SHA-512'],
    ] as const) {
      const options = platformaticClientOptions({
        ...config,
        ssl: true,
        sasl: { mechanism, username: 'svc', password: 'secret' },
      });
      expect(options).toMatchObject({
        tls: {},
        tlsServerName: true,
        sasl: { mechanism: name, username: 'svc', password: 'secret' },
      });
    }
  });

  it('backs off between retries from about 300 ms, doubling', () => {
    const delay = platformaticClientOptions(config).retryDelay as (
      ...args: [object, string, number, number, Error]
    ) => number;
    const delays = [1, 2, 3, 4, 5].map((attempt) => delay({}, 'produce', attempt, 5, new Error()));
    delays.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(300 * 2 ** i * 0.8);
      expect(ms).toBeLessThanOrEqual(300 * 2 ** i * 1.2);
    });
  });

  it('is chosen by default, kafkajs by KAFKA_CLIENT', () => {
    expect(readVariables({}, ['KAFKA_CLIENT'])).toEqual({ KAFKA_CLIENT: 'platformatic' });
    expect(readVariables({ KAFKA_CLIENT: 'kafkajs' }, ['KAFKA_CLIENT'])).toEqual({
      KAFKA_CLIENT: 'kafkajs',
    });
    expect(() => readVariables({ KAFKA_CLIENT: 'rdkafka' }, ['KAFKA_CLIENT'])).toThrow(ConfigError);
  });
});
