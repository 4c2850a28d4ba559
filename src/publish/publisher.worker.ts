import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../observability/logger';
import { createKafkaPublisher } from './kafka-publisher';
import {
  FromPublisherThread,
  PublisherThreadData,
  ToPublisherThread,
} from './kafka-publisher.thread';

/** The publisher thread: one Kafka driver, answering the main thread's requests in order of arrival. */
async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('publisher.worker runs as a worker thread');
  const reply = (message: FromPublisherThread) => port.postMessage(message);
  const data = workerData as PublisherThreadData;
  const publisher = await createKafkaPublisher(data.kafka, createLogger(data.log, data.secrets));
  try {
    await publisher.onModuleInit();
  } catch (error) {
    reply({ kind: 'start-failed', message: (error as Error).message });
    await publisher.onApplicationShutdown().catch(() => undefined);
    process.exit(1);
  }
  port.on('message', (message: ToPublisherThread) => {
    switch (message.kind) {
      case 'publish':
        publisher.publish(message.events).then(
          () => reply({ kind: 'published', id: message.id }),
          (error: Error) => reply({ kind: 'refused', id: message.id, message: error.message }),
        );
        return;
      case 'health':
        publisher.health().then(
          (value) => reply({ kind: 'health', id: message.id, value }),
          () => reply({ kind: 'health', id: message.id, value: 'disconnected' }),
        );
        return;
      case 'close':
        void publisher.onApplicationShutdown().finally(() => process.exit(0));
        return;
    }
  });
  reply({ kind: 'ready' });
}

void main();
