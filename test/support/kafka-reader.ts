import { Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { uniqueName } from './services';

export interface ReadMessage {
  key: string | undefined;
  value: unknown;
  headers: Record<string, string | undefined>;
}

function decode(message: KafkaMessage): ReadMessage {
  return {
    key: message.key?.toString(),
    value: message.value ? JSON.parse(message.value.toString()) : undefined,
    headers: Object.fromEntries(
      Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString()]),
    ),
  };
}

/** Reads a topic from the beginning with a real consumer until `done` says enough, or fails after `timeoutMs`. */
export function readTopic(
  brokers: string,
  topic: string,
  done: (messages: ReadMessage[]) => boolean,
  timeoutMs = 30_000,
): Promise<ReadMessage[]> {
  return consume(brokers, topic, decode, done, timeoutMs);
}

/** Like `readTopic`, but answers the records as kafkajs hands them to a consumer: bytes, not JSON. */
export function readRawTopic(
  brokers: string,
  topic: string,
  done: (messages: KafkaMessage[]) => boolean,
  timeoutMs = 30_000,
): Promise<KafkaMessage[]> {
  return consume(brokers, topic, (message) => message, done, timeoutMs);
}

async function consume<Message>(
  brokers: string,
  topic: string,
  read: (message: KafkaMessage) => Message,
  done: (messages: Message[]) => boolean,
  timeoutMs: number,
): Promise<Message[]> {
  // Nothing to wait for (an empty topic read whole): no message would ever ask `done` again.
  if (done([])) return [];
  const kafka = new Kafka({
    clientId: 'test-reader',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: uniqueName('test-reader') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received: Message[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`gave up on ${topic} after ${timeoutMs} ms with ${received.length} messages`),
          ),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: ({ message }) => {
          received.push(read(message));
          if (done(received)) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

/** How many messages a topic holds: the sum of its partitions' end offsets. */
export async function topicMessageCount(brokers: string, topic: string): Promise<number> {
  const admin = new Kafka({
    clientId: 'test-counter',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
}
