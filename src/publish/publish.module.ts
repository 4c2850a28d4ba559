import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Logger } from 'pino';
import { AppConfig } from '../config/config';
import { APP_CONFIG, InjectConfig } from '../config/config.module';
import { InjectRootLogger, ROOT_LOGGER } from '../observability/logging.module';
import { EventPublisher } from './event-publisher';
import { createKafka } from './kafka.client';
import { KafkaEventPublisher } from './kafka-event.publisher';
import { OutboxRelay } from './outbox-relay';
import { PublishBuffer } from './publish-buffer';
import { ensureTopics } from './topic-admin';

@Module({
  providers: [
    {
      provide: Kafka,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: (config: AppConfig, logger: Logger) => createKafka(config.kafka, logger),
    },
    {
      provide: EventPublisher,
      inject: [Kafka, APP_CONFIG],
      useFactory: (kafka: Kafka, config: AppConfig) =>
        new KafkaEventPublisher(kafka, config.kafka.compression),
    },
    OutboxRelay,
    PublishBuffer,
  ],
  exports: [EventPublisher, OutboxRelay, PublishBuffer],
})
export class PublishModule implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: Kafka,
    @InjectConfig() private readonly config: AppConfig,
    @InjectRootLogger() private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, this.config.kafka, this.logger);
  }
}
