import { createServer } from 'node:http';
import { ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';
import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import WebSocket from 'ws';

/**
 * Baseline (b): the least a service must do — WebSocket client, JSON.parse, a send with the Kafka
 * client `KAFKA_CLIENT` (kafkajs or platformatic) and the same producer settings as the service
 * (idempotent, acks from all in-sync replicas, one request in flight) — and nothing else: no
 * normalization, no consent, no metrics beyond one counter.
 */
/** A record for either client; kafkajs takes the topic per request and ignores it here. */
interface Message {
  topic: string;
  key: string;
  value: string;
}

const env = process.env as Record<string, string>;
const hosts = env.HOSTS.split(',');
const maxBatch = Number(env.BATCH ?? 2000);
const maxQueued = 100_000;
let published = 0;
let queue: Message[] = [];
let sending = false;
const sockets: WebSocket[] = [];

interface MinimalProducer {
  connect(): Promise<unknown>;
  send(batch: Message[]): Promise<unknown>;
  disconnect(): Promise<unknown>;
}

function kafkajsProducer(): MinimalProducer {
  const producer = new Kafka({
    clientId: 'bench-minimal',
    brokers: env.KAFKA_BROKERS.split(','),
    logLevel: logLevel.NOTHING,
  }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  return {
    connect: () => producer.connect(),
    send: (messages) =>
      producer.send({ topic: env.TOPIC, acks: -1, compression: CompressionTypes.None, messages }),
    disconnect: () => producer.disconnect(),
  };
}

function platformaticProducer(): MinimalProducer {
  const producer = new Producer({
    clientId: 'bench-minimal',
    bootstrapBrokers: env.KAFKA_BROKERS.split(','),
    idempotent: true,
    acks: ProduceAcks.ALL,
    autocreateTopics: false,
    serializers: stringSerializers,
  });
  return {
    connect: () => producer.initIdempotentProducer({}),
    send: (messages) => producer.send({ messages }),
    disconnect: () => producer.close(),
  };
}

const producer = env.KAFKA_CLIENT === 'platformatic' ? platformaticProducer() : kafkajsProducer();

async function send(): Promise<void> {
  sending = true;
  while (queue.length > 0) {
    const batch = queue.slice(0, maxBatch);
    await producer.send(batch);
    queue = queue.slice(batch.length);
    published += batch.length;
    if (queue.length < maxQueued / 2) for (const socket of sockets) socket.resume();
  }
  sending = false;
}

async function main(): Promise<void> {
  await producer.connect();
  const token = (
    (await (
      await fetch(env.TOKEN_URL, {
        method: 'POST',
        body: new URLSearchParams({ itg: env.ITG, token: env.ITG_TOKEN }),
      })
    ).json()) as { data: string }
  ).data;
  for (const host of hosts) {
    const url = env.WS_URL_TEMPLATE.replace('{host}', host).replace(
      '{token}',
      encodeURIComponent(token),
    );
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.on('message', (data: Buffer) => {
      const text = data.toString();
      const frame = JSON.parse(text) as { deviceId: string };
      queue.push({ topic: env.TOPIC, key: frame.deviceId, value: text });
      if (queue.length >= maxQueued) for (const s of sockets) s.pause();
      if (!sending) void send();
    });
    await new Promise((open) => socket.once('open', open));
    sockets.push(socket);
  }
  createServer((request, response) => {
    if (request.url === '/metrics')
      response.end(`minimal_published_total ${published}\nminimal_queued ${queue.length}\n`);
    else response.end('ok');
  }).listen(Number(env.HTTP_PORT), '127.0.0.1');
}

process.on('SIGTERM', () => {
  for (const socket of sockets) socket.close();
  void producer.disconnect().then(() => process.exit(0));
});
void main();
