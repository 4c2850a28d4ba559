// What other modules may use of this one (see .dependency-cruiser.cjs).
export { jsonStringPrefix, recordBytes } from './event-publisher';
export type { OutgoingEvent } from './event-publisher';
export { eventSources, sessionSource } from './event-sources';
export { createKafka } from './kafka.client';
export { OutboxRelay } from './outbox-relay';
export { outboxInsert } from './outbox-writer';
export type { OutboxEvent } from './outbox-writer';
export { PublishBuffer } from './publish-buffer';
export { PublishModule } from './publish.module';
export { PublisherHealth } from './publisher.health';
export { TopicRouter } from './topic-router';
