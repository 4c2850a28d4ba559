import { Kafka } from 'kafkajs';
import { Logger } from 'pino';
import { backoffDelay, type BackoffPolicy, sleep } from '../common';
import { isLatestStateTopic, type KafkaConfig } from '../config';
import type { OutgoingEvent } from './event-publisher';
import type { TopicRouter } from './topic-router';

/** A broker that has just started answers "not the leader" or "loading" for a while. */
const STARTUP_PATIENCE_MS = 60_000;
const RETRY: BackoffPolicy = { minMs: 250, maxMs: 5_000, jitter: 0.1 };

/**
 * Makes sure the topics exist before events go there, rather than leave them to the broker's
 * auto-creation: at start the shared topics and, with `KAFKA_TOPIC_PER_PARTNER`, those of every
 * partner; then, before each publish, the topics this instance has not yet seen exist. So a partner
 * created later gets its topics before its first event, whichever instance created it and whichever
 * publishes first: no instance needs to hear of the new partner.
 */
export class TopicAdmin {
  private readonly known = new Set<string>();

  constructor(
    private readonly kafka: Kafka,
    private readonly config: KafkaConfig,
    private readonly router: TopicRouter,
    private readonly partnerIds: () => Promise<string[]>,
    private readonly logger: Logger,
  ) {}

  async createServiceTopics(): Promise<void> {
    const partners = this.config.topicPerPartner ? await this.partnerIds() : [];
    const topics = [
      ...Object.values(this.config.topics),
      ...partners.flatMap((partnerId) => Object.values(this.router.topicsOf(partnerId))),
    ];
    await ensureTopics(this.kafka, this.config, this.logger, topics);
    for (const topic of topics) this.known.add(topic);
  }

  /** Creates the topics of `events` not known to exist; when that fails, so does the publish. */
  async ensure(events: readonly OutgoingEvent[]): Promise<void> {
    let unknown: Set<string> | undefined;
    for (const event of events) {
      if (!this.known.has(event.topic)) (unknown ??= new Set()).add(event.topic);
    }
    if (!unknown) return;
    await createMissingTopics(this.kafka, this.config, this.logger, [...unknown]);
    for (const topic of unknown) this.known.add(topic);
  }
}

/**
 * Creates those of `topics` that do not exist yet; existing topics are never altered. Errors the
 * broker marks retriable are retried for a minute, so that a service and a broker starting together
 * do not fail each other.
 */
export async function ensureTopics(
  kafka: Kafka,
  config: KafkaConfig,
  logger: Logger,
  topics: readonly string[] = Object.values(config.topics),
): Promise<void> {
  const deadline = Date.now() + STARTUP_PATIENCE_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await createMissingTopics(kafka, config, logger, topics);
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || Date.now() > deadline) throw error;
      const delay = backoffDelay(attempt, RETRY);
      logger.warn(
        { problem: (error as Error).message, retryInMs: delay },
        'Kafka not ready for topic creation',
      );
      await sleep(delay);
    }
  }
}

/**
 * Compacted, and compacted soon: Kafka compacts only closed segments, and by default closes one after
 * 7 days or 1 GiB, so every replica's start (which reads the topic whole) would read millions of
 * superseded states. A segment a minute keeps what is read at most a minute of states, plus what the
 * cleaner has not reached yet, beyond one record per device.
 */
const LATEST_STATE_TOPIC_CONFIG = [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'segment.ms', value: '60000' },
];

/** Another instance may create the same topics meanwhile: kafkajs takes "already exists" as done. */
async function createMissingTopics(
  kafka: Kafka,
  config: KafkaConfig,
  logger: Logger,
  topics: readonly string[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: config.topicPartitions,
        replicationFactor: config.topicReplicationFactor,
        configEntries: isLatestStateTopic(config.topicPrefix, topic)
          ? LATEST_STATE_TOPIC_CONFIG
          : [],
      })),
    });
    logger.info({ topics: missing }, 'created Kafka topics');
  } finally {
    await admin.disconnect();
  }
}
