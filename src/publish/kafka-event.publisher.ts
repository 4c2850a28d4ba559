import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CompressionTypes, Kafka, Producer } from 'kafkajs';
import { EventPublisher, OutgoingEvent } from './event-publisher';

@Injectable()
export class KafkaEventPublisher extends EventPublisher implements OnModuleInit, OnModuleDestroy {
  private readonly producer: Producer;

  constructor(kafka: Kafka) {
    super();
    // kafkajs keeps per-partition sequence numbers correct only with one request in flight.
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  }

  async onModuleInit(): Promise<void> {
    await this.producer.connect();
  }

  async onModuleDestroy(): Promise<void> {
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
      compression: CompressionTypes.None,
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
