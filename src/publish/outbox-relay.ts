import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Logger } from 'pino';
import { PrismaService } from '../database/prisma.service';
import { InjectRootLogger } from '../observability/logging.module';
import { EventPublisher } from './event-publisher';

/** Only one instance relays at a time, so the outbox leaves in commit order. */
const RELAY_LOCK_KEY = 73_001_001;
const BATCH_SIZE = 500;
const IDLE_POLL_MS = 1_000;
const MAX_RETRY_DELAY_MS = 10_000;

/**
 * Moves outbox rows to Kafka: publishes a batch, waits for the acknowledgement, then deletes the
 * rows, all inside one transaction. When Kafka is down the transaction rolls back and the rows stay
 * for the next attempt, so every event is delivered at least once.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private readonly log: Logger;

  constructor(
    private readonly prisma: PrismaService,
    private readonly publisher: EventPublisher,
    @InjectRootLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'outbox-relay' });
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** Asks for a relay pass now instead of at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Relays one batch; answers how many events left. */
  async relayOnce(): Promise<number> {
    return this.prisma.$transaction(
      async (tx) => {
        const [{ locked }] = await tx.$queryRaw<
          { locked: boolean }[]
        >`SELECT pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}) AS locked`;
        if (!locked) return 0;
        const rows = await tx.outboxEvent.findMany({ orderBy: { id: 'asc' }, take: BATCH_SIZE });
        if (rows.length === 0) return 0;
        await this.publisher.publish(
          rows.map((row) => ({
            topic: row.topic,
            key: row.key,
            type: row.eventType,
            id: row.eventId,
            value: JSON.stringify(row.payload),
          })),
        );
        await tx.outboxEvent.deleteMany({ where: { id: { in: rows.map((row) => row.id) } } });
        return rows.length;
      },
      { maxWait: 10_000, timeout: 120_000 },
    );
  }

  private async run(): Promise<void> {
    let retryDelay = 250;
    while (this.running) {
      let relayed = 0;
      try {
        relayed = await this.relayOnce();
        retryDelay = 250;
      } catch (error) {
        this.log.warn(
          { err: error, retryInMs: retryDelay },
          'outbox relay failed; the events stay in the outbox',
        );
        await this.sleep(retryDelay);
        retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY_MS);
        continue;
      }
      if (relayed < BATCH_SIZE) await this.sleep(IDLE_POLL_MS);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
