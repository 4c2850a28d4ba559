import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../observability/logger';
import { OutgoingEvent } from './event-publisher';
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
  // Batches go to Kafka one after another, in arrival order. Once one fails, the ones already behind
  // it are refused unsent, so that none overtakes it; the buffer resends them all after `resume`.
  let sending = Promise.resolve();
  let refusing = false;
  const send = async (id: number, events: readonly OutgoingEvent[]) => {
    if (refusing) return reply({ kind: 'refused', id, message: 'an earlier batch failed' });
    try {
      await publisher.publish(events);
      reply({ kind: 'published', id });
    } catch (error) {
      refusing = true;
      reply({ kind: 'refused', id, message: (error as Error).message });
    }
  };
  port.on('message', (message: ToPublisherThread) => {
    switch (message.kind) {
      case 'publish':
        sending = sending.then(() => send(message.id, message.events));
        return;
      case 'resume':
        sending = sending.then(() => {
          refusing = false;
        });
        return;
      case 'health':
        publisher.health().then(
          (value) => reply({ kind: 'health', id: message.id, value }),
          () => reply({ kind: 'health', id: message.id, value: 'disconnected' }),
        );
        return;
      case 'close':
        void sending.then(() => publisher.onApplicationShutdown()).finally(() => process.exit(0));
        return;
    }
  });
  reply({ kind: 'ready' });
}

void main();
