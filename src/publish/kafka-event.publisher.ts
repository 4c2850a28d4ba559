import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Admin, CompressionTypes, Kafka, Partitioners, Producer } from 'kafkajs';
import { Logger } from 'pino';
import { KafkaConfig } from '../config/config';
import { EventPublisher, OutgoingEvent, recordHeaders } from './event-publisher';
import { ensureTopics } from './topic-admin';

/** An acknowledgement this recent shows the broker answers; without one, readiness asks the broker. */
const FRESH_ACK_MS = 5_000;
const PROBE_TIMEOUT_MS = 2_000;

@Injectable()
export class KafkaEventPublisher
  extends EventPublisher
  implements OnModuleInit, OnApplicationShutdown
{
  readonly healthCheckName = 'kafka';

  private readonly producer: Producer;

  private readonly compression: CompressionTypes;

  private connected = false;
  private lastAckAt = 0;
  private lastFailureAt = 0;
  private admin?: Admin;
  private probing?: Promise<boolean>;

  /** With `topics`, the service's topics are created at start (the service); without, not (tests). */
  constructor(
    private readonly kafka: Kafka,
    compression: KafkaConfig['compression'] = 'none',
    private readonly topics?: { config: KafkaConfig; logger: Logger },
  ) {
    super();
    this.compression = compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    // kafkajs keeps per-partition sequence numbers correct only with one request in flight.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer.on(this.producer.events.CONNECT, () => (this.connected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
  }

  /** Before any bootstrap hook, so that nothing publishes to a topic the broker would auto-create. */
  async onModuleInit(): Promise<void> {
    await this.producer.connect();
    if (this.topics) await ensureTopics(this.kafka, this.topics.config, this.topics.logger);
  }

  /** Last, so that the buffer could flush and the outbox relay finish first. */
  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
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
    try {
      await this.producer.sendBatch({
        acks: -1,
        compression: this.compression,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map((event) => ({
            key: event.key,
            value: event.value,
            headers: recordHeaders(event),
          })),
        })),
      });
    } catch (error) {
      this.lastFailureAt = Date.now();
      throw error;
    }
    this.lastAckAt = Date.now();
  }

  /**
   * kafkajs reports a producer's connect and disconnect, but not a broker that went away while the
   * producer idles; so without a fresh acknowledgement this asks a broker for metadata.
   */
  async health(): Promise<string> {
    if (!this.connected) return 'disconnected';
    const ackIsFresh =
      this.lastAckAt > this.lastFailureAt && Date.now() - this.lastAckAt < FRESH_ACK_MS;
    if (ackIsFresh) return 'ok';
    return (await this.probe()) ? 'ok' : 'disconnected';
  }

  /** One metadata request, bounded in time; concurrent readiness checks share it. */
  private probe(): Promise<boolean> {
    this.probing ??= (async () => {
      const admin = (this.admin ??= this.kafka.admin({ retry: { retries: 0 } }));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('metadata request timed out')), PROBE_TIMEOUT_MS);
      });
      const request = admin.connect().then(() => admin.describeCluster());
      request.catch(() => undefined); // a late failure after the timeout is not news
      try {
        await Promise.race([request, timeout]);
        return true;
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
        this.probing = undefined;
      }
    })();
    return this.probing;
  }
}
