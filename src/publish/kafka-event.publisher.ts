import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CompressionTypes, Kafka, Partitioners, Producer } from 'kafkajs';
import { KafkaConfig } from '../config/config';
import { EventPublisher, OutgoingEvent } from './event-publisher';

@Injectable()
export class KafkaEventPublisher
  extends EventPublisher
  implements OnModuleInit, OnApplicationShutdown
{
  private readonly producer: Producer;

  private readonly compression: CompressionTypes;

  constructor(kafka: Kafka, compression: KafkaConfig['compression'] = 'none') {
    super();
    this.compression = compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    // kafkajs keeps per-partition sequence numbers correct only with one request in flight.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async onModuleInit(): Promise<void> {
    await this.producer.connect();
  }

  /** Last, so that the buffer could flush and the outbox relay finish first. */
  async onApplicationShutdown(): Promise<void> {
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
    await this.producer.sendBatch({
      acks: -1,
      compression: this.compression,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((event) => ({
          key: event.key,
          value: event.value,
          headers: {
            'content-type': 'application/json',
            'event-type': event.type,
            'event-id': event.id,
          },
        })),
      })),
    });
  }
}
