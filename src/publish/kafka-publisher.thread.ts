import { once } from 'node:events';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Logger } from 'pino';
import { KafkaConfig, LogConfig } from '../config/config';
import { EventPublisher, OutgoingEvent } from './event-publisher';

/** What the thread needs to build its own logger and Kafka driver. */
export interface PublisherThreadData {
  kafka: KafkaConfig;
  log: LogConfig;
  secrets: string[];
}

export type ToPublisherThread =
  | { kind: 'publish'; id: number; events: readonly OutgoingEvent[] }
  | { kind: 'health'; id: number }
  | { kind: 'close' };

export type FromPublisherThread =
  | { kind: 'ready' }
  | { kind: 'start-failed'; message: string }
  | { kind: 'published'; id: number }
  | { kind: 'refused'; id: number; message: string }
  | { kind: 'health'; id: number; value: string };

const entry = join(__dirname, `publisher.worker${extname(__filename)}`);

interface Pending {
  resolve(value: string | undefined): void;
  reject(error: Error): void;
}

/**
 * The Kafka driver runs on a thread of its own: encoding records and talking to the brokers then
 * no longer competes with the sockets, normalization and the REST API for the event loop. Batches
 * cross as structured clones; every answer comes back by request id. A thread that dies is replaced
 * on the next publish, and its unanswered batches fail, so the publish buffer retries them.
 */
export class KafkaPublisherThread
  extends EventPublisher
  implements OnModuleInit, OnApplicationShutdown
{
  readonly healthCheckName = 'kafka';

  private worker?: Worker;
  private starting?: Promise<void>;
  private closing = false;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly log: Logger;

  constructor(
    private readonly data: PublisherThreadData,
    logger: Logger,
  ) {
    super();
    this.log = logger.child({ component: 'kafka-publisher-thread' });
  }

  onModuleInit(): Promise<void> {
    return this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = once(worker, 'exit');
    worker.postMessage({ kind: 'close' } satisfies ToPublisherThread);
    await exited;
  }

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.ask((id) => ({ kind: 'publish', id, events }));
  }

  async health(): Promise<string> {
    if (!this.worker) return 'disconnected';
    return (await this.ask((id) => ({ kind: 'health', id }))) ?? 'disconnected';
  }

  private async ask(message: (id: number) => ToPublisherThread): Promise<string | undefined> {
    if (!this.worker) {
      if (this.closing) throw new Error('the Kafka publisher is closed');
      await this.start();
    }
    const id = this.nextId++;
    const answer = new Promise<string | undefined>((resolve, reject) =>
      this.pending.set(id, { resolve, reject }),
    );
    (this.worker as Worker).postMessage(message(id));
    return answer;
  }

  private start(): Promise<void> {
    this.starting ??= new Promise<void>((resolve, reject) => {
      const worker = new Worker(entry, { workerData: this.data });
      worker.on('message', (message: FromPublisherThread) => {
        switch (message.kind) {
          case 'ready':
            this.worker = worker;
            resolve();
            return;
          case 'start-failed':
            reject(new Error(message.message));
            return;
          case 'published':
            return this.settle(message.id, (p) => p.resolve(undefined));
          case 'refused':
            return this.settle(message.id, (p) => p.reject(new Error(message.message)));
          case 'health':
            return this.settle(message.id, (p) => p.resolve(message.value));
        }
      });
      worker.on('error', (error) => {
        this.log.error({ err: error }, 'the Kafka publisher thread failed');
        reject(error);
      });
      worker.on('exit', () => {
        if (this.worker === worker) this.worker = undefined;
        this.starting = undefined;
        reject(new Error('the Kafka publisher thread stopped while starting'));
        for (const [id, pending] of this.pending) {
          this.pending.delete(id);
          pending.reject(new Error('the Kafka publisher thread stopped'));
        }
      });
    }).catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  private settle(id: number, answer: (pending: Pending) => void): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    answer(pending);
  }
}
