import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Admin, CompressionTypes, Kafka, Partitioners, Producer } from 'kafkajs';
import type { KafkaConfig } from '../config';
import { BrokerHealth } from './broker-health';
import { EventPublisher, OutgoingEvent, recordHeaders } from './event-publisher';
import { kafkaRefusal } from './kafka-refusal';
import { TopicAdmin } from './topic-admin';

@Injectable()
export class KafkaEventPublisher
  extends EventPublisher
  implements OnModuleInit, OnApplicationShutdown
{
  readonly healthCheckName = 'kafka';

  private producer: Producer;
  private producerStale = false;

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
    this.producer = this.newProducer();
  }

  private newProducer(): Producer {
    // kafkajs keeps per-partition sequence numbers correct only with one request in flight.
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    producer.on(producer.events.CONNECT, () => (this.connected = true));
    producer.on(producer.events.DISCONNECT, () => (this.connected = false));
    return producer;
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
      if (this.producerStale) await this.replaceProducer();
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
      if (kafkaRefusal(error)) this.producerStale = true;
      throw error;
    }
    this.brokerHealth.acknowledged();
  }

  /**
   * After a refused request kafkajs winds back the sequence numbers of every partition in it, also
   * of those the broker accepted, and the broker would refuse the producer's next records there as
   * out of order; a new producer gets a new producer id, with sequence numbers from zero.
   */
  private async replaceProducer(): Promise<void> {
    await this.producer.disconnect();
    this.producer = this.newProducer();
    await this.producer.connect();
    this.producerStale = false;
  }

  health(): Promise<string> {
    return this.brokerHealth.check(this.connected);
  }
}
