import { Module } from '@nestjs/common';
import { Logger } from 'pino';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ROOT_LOGGER } from '../observability/logging.module';
import { EventPublisher } from './event-publisher';
import { FileEventPublisher } from './file-event.publisher';
import { KafkaPublisherThread } from './kafka-publisher.thread';
import { OutboxRelay } from './outbox-relay';
import { PublishBuffer } from './publish-buffer';

/**
 * The EventPublisher driver that EVENT_SINK names. The Kafka driver (KAFKA_CLIENT picks its client
 * library) runs on a thread of its own; the file driver, for trials without a broker, does not.
 */
function createEventPublisher(config: AppConfig, logger: Logger): EventPublisher {
  if (config.events.sink === 'file') return new FileEventPublisher(config.events.file);
  return new KafkaPublisherThread(
    { kafka: config.kafka, log: config.log, secrets: config.secrets },
    logger,
  );
}

@Module({
  providers: [
    {
      provide: EventPublisher,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: createEventPublisher,
    },
    OutboxRelay,
    PublishBuffer,
  ],
  exports: [EventPublisher, OutboxRelay, PublishBuffer],
})
export class PublishModule {}
