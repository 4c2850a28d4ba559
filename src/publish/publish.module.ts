import { Module } from '@nestjs/common';
import { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config';
import { ROOT_LOGGER } from '../observability';
import { PartnerStore } from '../partners';
import { EventPublisher } from './event-publisher';
import { FileEventPublisher } from './file-event.publisher';
import { createKafka } from './kafka.client';
import { KafkaEventPublisher } from './kafka-event.publisher';
import { OutboxRelay } from './outbox-relay';
import { RecordParking } from './poison-records';
import { PublishBuffer } from './publish-buffer';
import { PublisherHealth } from './publisher.health';
import { TopicAdmin } from './topic-admin';
import { TopicRouter } from './topic-router';

/**
 * The EventPublisher driver that EVENT_SINK names; only the Kafka ones touch Kafka (and create topics,
 * always with kafkajs's admin). KAFKA_CLIENT picks the client library of the Kafka producer.
 */
async function createEventPublisher(
  config: AppConfig,
  logger: Logger,
  router: TopicRouter,
  partners: PartnerStore,
): Promise<EventPublisher> {
  if (config.events.sink === 'file') return new FileEventPublisher(config.events.file);
  const kafka = createKafka(config.kafka, logger);
  const topics = new TopicAdmin(
    kafka,
    config.kafka,
    router,
    async () => (await partners.list()).map((partner) => partner.id),
    logger,
  );
  if (config.kafka.client === 'platformatic') {
    // Loaded only when chosen: the library alone adds about 40 MB to the resident set.
    const { PlatformaticKafkaPublisher } = await import('./platformatic-kafka.publisher.js');
    return new PlatformaticKafkaPublisher(config.kafka, topics);
  }
  return new KafkaEventPublisher(kafka, config.kafka.compression, topics);
}

@Module({
  providers: [
    {
      provide: EventPublisher,
      inject: [APP_CONFIG, ROOT_LOGGER, TopicRouter, PartnerStore],
      useFactory: createEventPublisher,
    },
    OutboxRelay,
    PublishBuffer,
    PublisherHealth,
    RecordParking,
    TopicRouter,
  ],
  exports: [EventPublisher, OutboxRelay, PublishBuffer, PublisherHealth, TopicRouter],
})
export class PublishModule {}
