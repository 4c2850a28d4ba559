import { Admin, Consumer, Kafka } from 'kafkajs';
import { Logger } from 'pino';
import { backoffDelay, type BackoffPolicy, sleep } from '../common';

/** One record of a latest-state topic, as read. */
export interface StateRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
  /** The `ce_id` header. */
  id: string | undefined;
  /** Null: a tombstone. */
  value: Buffer | null;
}

export interface ReaderProgress {
  /** Records on the topics not read yet, as of the last fetch of each partition. */
  lag: number;
  /** Whether everything the topics held when the reader (re)started has been read. */
  caughtUp: boolean;
}

export interface LatestStateReaderOptions {
  /** The consumer group: this reader's alone, so that it is assigned every partition. */
  groupId: string;
  /** Of the topics that exist, those to read; none yet is retried like a broker out of reach. */
  selectTopics: (existing: readonly string[]) => string[];
  onRecord: (record: StateRecord) => void;
  onProgress: (progress: ReaderProgress) => void;
}

const RETRY: BackoffPolicy = { minMs: 500, maxMs: 30_000, jitter: 0.2 };
/** How often the reader looks for topics it should read and does not yet: a new partner's. */
const TOPIC_CHECK_MS = 30_000;

/**
 * Reads latest-state topics from the beginning and follows them, with kafkajs whichever client
 * produces. Each replica reads everything, so the consumer group is the reader's own; it commits no
 * offsets, so a start reads the topics whole again, and a group left behind is empty and without
 * offsets, which the broker deletes at its next offsets clean-up (every 10 minutes by default).
 * A broker out of reach at start, or a consumer that crashed for good, is retried with backoff for
 * as long as the reader runs; nothing of it blocks the service. A topic that appears later (a new
 * partner's) makes the reader start over with it, from the beginning of every topic.
 */
export class LatestStateReader {
  private consumer?: Consumer;
  /** The admin client of a topic listing under way, disconnected on stop so that it ends at once. */
  private admin?: Admin;
  /** The attempt under way to (re)start reading, which stop waits for. */
  private attempt?: Promise<void>;
  /** The topics the consumer reads. */
  private reading: readonly string[] = [];
  private stopped = false;
  private readonly wake = new AbortController();
  private topicCheck?: NodeJS.Timeout;
  /** Per `topic/partition`: the offset read up to, and the end the topic had at start. */
  private positions = new Map<string, { next: bigint; end: bigint; lag: number }>();
  private caughtUp = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: LatestStateReaderOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.attempt = this.keepReading(0);
    this.topicCheck = setInterval(() => void this.checkTopics(), TOPIC_CHECK_MS);
  }

  /** Ends an attempt under way, then the consumer it may have started. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    clearInterval(this.topicCheck);
    await this.admin?.disconnect().catch(() => undefined);
    await this.consumer?.disconnect().catch(() => undefined);
    await this.attempt;
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async keepReading(attempt: number): Promise<void> {
    if (this.stopped) return;
    try {
      await this.read();
    } catch (error) {
      await this.consumer?.disconnect().catch(() => undefined);
      this.consumer = undefined;
      if (this.stopped) return;
      const delay = backoffDelay(attempt, RETRY);
      this.log.warn(
        { problem: (error as Error).message, retryInMs: delay },
        'cannot read the latest-state topics yet',
      );
      await sleep(delay, this.wake.signal);
      return this.keepReading(attempt + 1);
    }
  }

  /** Lets the running consumer go and reads anew; nothing when none runs (one is being started). */
  private async startOver(attempt: number): Promise<void> {
    const consumer = this.consumer;
    if (!consumer || this.stopped) return;
    this.consumer = undefined;
    await consumer.disconnect().catch(() => undefined);
    this.attempt = this.keepReading(attempt);
    await this.attempt;
  }

  private async read(): Promise<void> {
    const topics = await this.ends();
    if (this.stopped) return;
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      // A consumer that crashed while it was being stopped must not start itself again.
      retry: { restartOnFailure: () => Promise.resolve(!this.stopped) },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || consumer !== this.consumer) return;
      this.log.warn({ problem: payload.error.message }, 'latest-state reader crashed');
      void this.startOver(1);
    });
    // `run` returns before the consumer joined its group; a stop must wait for that, or the join
    // goes on after the disconnect.
    const started = new Promise<void>((settled) => {
      for (const event of [consumer.events.GROUP_JOIN, consumer.events.CRASH, consumer.events.STOP])
        consumer.on(event, () => settled());
    });
    await consumer.connect();
    if (this.stopped) return consumer.disconnect();
    await consumer.subscribe({ topics, fromBeginning: true });
    if (this.stopped) return consumer.disconnect();
    this.reading = topics;
    await consumer.run({
      autoCommit: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        for (const message of batch.messages) {
          this.options.onRecord({
            topic: batch.topic,
            partition: batch.partition,
            offset: message.offset,
            key: message.key?.toString(),
            id: message.headers?.ce_id?.toString(),
            value: message.value,
          });
        }
        const position = this.positions.get(`${batch.topic}/${batch.partition}`);
        if (position && batch.messages.length > 0) {
          position.next = BigInt(batch.lastOffset()) + 1n;
          position.lag = Number(batch.offsetLag());
        }
        this.report();
        await payload.heartbeat();
      },
    });
    await started;
    this.report();
  }

  private async checkTopics(): Promise<void> {
    if (!this.consumer) return;
    let added: string[];
    try {
      const wanted = this.options.selectTopics(await this.withAdmin((admin) => admin.listTopics()));
      added = wanted.filter((topic) => !this.reading.includes(topic));
    } catch {
      return; // the next check asks again
    }
    if (added.length === 0) return;
    this.log.info({ topics: added }, 'reading the latest-state topics again, with new ones');
    await this.startOver(0);
  }

  /** The topics to read, and where each partition ends as reading begins. */
  private ends(): Promise<string[]> {
    return this.withAdmin(async (admin) => {
      const topics = this.options.selectTopics(await admin.listTopics());
      if (topics.length === 0) throw new Error('no latest-state topic exists yet');
      const positions = new Map<string, { next: bigint; end: bigint; lag: number }>();
      for (const topic of topics) {
        for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
          const next = BigInt(low);
          const end = BigInt(high);
          positions.set(`${topic}/${partition}`, { next, end, lag: Number(end - next) });
        }
      }
      this.positions = positions;
      this.caughtUp = false;
      return topics;
    });
  }

  private async withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    this.admin = admin;
    try {
      await admin.connect();
      return await use(admin);
    } finally {
      this.admin = undefined;
      await admin.disconnect();
    }
  }

  private report(): void {
    let lag = 0;
    let caughtUp = true;
    for (const { next, end, lag: behind } of this.positions.values()) {
      lag += behind;
      if (next < end) caughtUp = false;
    }
    if (caughtUp && !this.caughtUp) {
      this.caughtUp = true;
      this.log.info(
        { partitions: this.positions.size },
        'read the latest-state topics to their end',
      );
    }
    this.options.onProgress({ lag, caughtUp: this.caughtUp });
  }
}
