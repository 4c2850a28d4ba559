import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Admin, CompressionTypes, Kafka, Partitioners, Producer } from 'kafkajs';
import type { KafkaConfig } from '../config';
import { BrokerHealth } from './broker-health';
import { EventPublisher, OutgoingEvent, recordHeaders } from './event-publisher';
import { TopicAdmin } from './topic-admin';

@Injectable()
export class KafkaEventPublisher
  extends EventPublisher
  implements OnModuleInit, OnApplicationShutdown
{
  readonly healthCheckName = 'kafka';

  private readonly producer: Producer;

  private readonly compression: CompressionTypes;

  private connected = false;
  private admin?: Admin;
  private readonly brokerHealth = new BrokerHealth(() => {
    const admin = (this.admin ??= this.kafka.admin({ retry: { retries: 0 } }));
    return admin.connect().then(() => admin.describeCluster());
  });

  /** With `topics`, the service's topics are created (the service); without, not (tests). */
  constructor(
    private readonly kafka: Kafka,
    compression: KafkaConfig['compression'] = 'none',
    private readonly topics?: TopicAdmin,
  ) {
    super();
    this.compression = compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    // kafkajs keeps per-partition sequence numbers correct only with one request in flight.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer.on(this.producer.events.CONNECT, () => (this.connected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
  }

  /** Before any bootstrap hook, so that nothing publishes to a topic the broker would auto-create. */
  async onModuleInit(): Promise<void> {
    await this.producer.connect();
    await this.topics?.createServiceTopics();
  }

  /** Last, so that the buffer could flush and the outbox relay finish first. */
  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    await this.producer.disconnect();
  }

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const byTopic = new Map<string, OutgoingEvent[]>();
    for (const event of events) {
      const list = byTopic.get(event.topic);
      if (list) list.push(event);
      else byTopic.set(event.topic, [event]);
    }
    try {
      await this.topics?.ensure(events);
      await this.producer.sendBatch({
        acks: -1,
        compression: this.compression,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map((event) => ({
            key: event.key,
            value: event.value,
            headers: recordHeaders(event),
          })),
        })),
      });
    } catch (error) {
      this.brokerHealth.failed();
      throw error;
    }
    this.brokerHealth.acknowledged();
  }

  health(): Promise<string> {
    return this.brokerHealth.check(this.connected);
  }
}
