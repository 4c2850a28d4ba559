import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  Admin,
  type BaseOptions,
  type MessageToProduce,
  ProduceAcks,
  Producer,
  type SASLOptions,
  stringSerializers,
} from '@platformatic/kafka';
import { backoffDelay, type BackoffPolicy } from '../common';
import type { KafkaConfig } from '../config';
import { BrokerHealth } from './broker-health';
import { EventPublisher, OutgoingEvent, recordHeaders } from './event-publisher';
import { TopicAdmin } from './topic-admin';

/** Retries of one request, as kafkajs does by default: 5, from 300 ms doubling, ±20 % jitter. */
const RETRIES = 5;
const RETRY: BackoffPolicy = { minMs: 300, maxMs: 30_000, jitter: 0.2 };
/** How long the broker may take to gather the acknowledgements of all in-sync replicas (kafkajs's default). */
const ACK_TIMEOUT_MS = 30_000;
/** kafkajs's default connection timeout; the client's own (5 s) would slow failing over to another broker. */
const CONNECT_TIMEOUT_MS = 1_000;

const saslMechanisms = {
  plain: 'PLAIN',
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-512': 'SCRAM-SHA-512',
} as const satisfies Record<
  NonNullable<KafkaConfig['sasl']>['mechanism'],
  SASLOptions['mechanism']
>;

/** Connection settings of every @platformatic/kafka client, from the same `KAFKA_*` settings as kafkajs. */
export function platformaticClientOptions(config: KafkaConfig): BaseOptions {
  return {
    clientId: config.clientId,
    bootstrapBrokers: config.brokers,
    // `{}` is TLS with Node's defaults (certificate verified against the system CAs), as kafkajs's
    // `ssl: true`; the broker's host name goes in SNI, as kafkajs sends it.
    ...(config.ssl ? { tls: {}, tlsServerName: true } : {}),
    ...(config.sasl
      ? {
          sasl: {
            mechanism: saslMechanisms[config.sasl.mechanism],
            username: config.sasl.username,
            password: config.sasl.password,
          },
        }
      : {}),
    connectTimeout: CONNECT_TIMEOUT_MS,
    timeout: ACK_TIMEOUT_MS,
    retries: RETRIES,
    // The client counts its retries from 1.
    retryDelay: (_client, _operation, attempt) => backoffDelay(attempt - 1, RETRY),
  };
}

const MURMUR2_SEED = 0x9747b28c;
const MURMUR2_M = 0x5bd1e995;

/** Kafka's murmur2 (the Java client's `Utils.murmur2`) of `data`, as a signed 32-bit integer. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const whole = length & ~3;
  let h = MURMUR2_SEED ^ length;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, MURMUR2_M);
    k ^= k >>> 24;
    k = Math.imul(k, MURMUR2_M);
    h = Math.imul(h, MURMUR2_M) ^ k;
  }
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= data[whole + 2] << 16;
    if (rest >= 2) h ^= data[whole + 1] << 8;
    h ^= data[whole];
    h = Math.imul(h, MURMUR2_M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, MURMUR2_M);
  h ^= h >>> 15;
  return h;
}

/**
 * The key's partition before the client takes it modulo the partition count: murmur2 with the sign
 * bit cleared, which is what the Java client and kafkajs's DefaultPartitioner pick. The client's own
 * default keeps the sign bit and so sends about half of the keys to another partition than kafkajs
 * did; switching drivers would then split a device's events over two partitions.
 */
function javaCompatiblePartition(
  _message: MessageToProduce<string, string, string, string>,
  key: Buffer | undefined,
): number {
  return key ? murmur2(key) & 0x7fffffff : 0;
}

/**
 * The EventPublisher on `@platformatic/kafka` (`KAFKA_CLIENT=platformatic`, the default), with the guarantees of
 * the kafkajs driver: an idempotent producer (the client then allows one request per broker in flight
 * and waits for all in-sync replicas), one Produce request per partition leader per publish, records
 * partitioned as kafkajs does. Topics are still created with kafkajs's admin (`TopicAdmin`).
 */
@Injectable()
export class PlatformaticKafkaPublisher
  extends EventPublisher
  implements OnModuleInit, OnApplicationShutdown
{
  readonly healthCheckName = 'kafka';

  private readonly producer: Producer<string, string, string, string>;
  private readonly compression: 'none' | 'gzip';

  private started = false;
  private admin?: Admin;
  private readonly brokerHealth = new BrokerHealth(() => {
    const admin = (this.admin ??= new Admin({
      ...platformaticClientOptions(this.config),
      retries: 0,
    }));
    return admin.metadata({ topics: [], forceUpdate: true });
  });

  /** With `topics`, the service's topics are created (the service); without, not (tests). */
  constructor(
    private readonly config: KafkaConfig,
    private readonly topics?: TopicAdmin,
  ) {
    super();
    this.compression = config.compression;
    this.producer = new Producer({
      ...platformaticClientOptions(config),
      idempotent: true,
      acks: ProduceAcks.ALL,
      compression: this.compression,
      partitioner: javaCompatiblePartition,
      autocreateTopics: false,
      serializers: stringSerializers,
    });
  }

  /** Before any bootstrap hook, so that nothing publishes to a topic the broker would auto-create. */
  async onModuleInit(): Promise<void> {
    // The client connects lazily; asking for a producer id connects and fails early, like kafkajs's connect.
    await this.producer.initIdempotentProducer({});
    this.started = true;
    await this.topics?.createServiceTopics();
  }

  /** Last, so that the buffer could flush and the outbox relay finish first. */
  async onApplicationShutdown(): Promise<void> {
    this.started = false;
    await this.admin?.close().catch(() => undefined);
    await this.producer.close();
  }

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const messages = new Array<MessageToProduce<string, string, string, string>>(events.length);
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      messages[i] = {
        topic: event.topic,
        key: event.key,
        value: event.value ?? undefined,
        headers: recordHeaders(event),
      };
    }
    // After a failed send the client drops its producer id and sequence numbers, and the next send
    // asks for a fresh id, so a batch the broker refused for its sequence numbers can be resent.
    try {
      await this.topics?.ensure(events);
      await this.producer.send({ messages, acks: ProduceAcks.ALL, compression: this.compression });
    } catch (error) {
      this.brokerHealth.failed();
      throw error;
    }
    this.brokerHealth.acknowledged();
  }

  health(): Promise<string> {
    return this.brokerHealth.check(this.started);
  }
}
