import { randomUUID } from 'node:crypto';
import {
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { Logger } from 'pino';
import { type AppConfig, InjectConfig } from '../config';
import { ConsentCache, ConsentStore } from '../consent';
import { DeviceStateStore } from '../device-state';
import { InjectRootLogger } from '../observability';
import { eventSources, PublishBuffer, TopicRouter } from '../publish';
import { LATEST_STATE_TYPE, latestState } from './latest-state';
import { PublishedStates } from './published-states';

/**
 * States published per turn of the event loop: a fleet's states in one go (10,000 devices, about
 * 30 µs each) would hold every frame and request up for a third of a second each interval.
 */
const DEVICES_PER_TURN = 200;

/**
 * Keeps the compacted `device-state` topic (one per partner with KAFKA_TOPIC_PER_PARTNER) holding
 * each consented device's merged latest state, so that a consumer reading it from the beginning has
 * the current fleet. The devices that reported are published once per
 * INGEST_LATEST_STATE_INTERVAL_MS, not once per frame, so the topic costs at most one record per
 * device and interval, a slice of DEVICES_PER_TURN per turn of the event loop; the last ones before a
 * shutdown are published at once, before the buffer's last flush.
 *
 * A consent that ends gets a tombstone on its partner's topic, through the same ordered buffer as
 * the states, so no state of the device can follow it. The tombstones of every ended consent are
 * published again at each start: one lost with an instance that stopped before Kafka acknowledged
 * it still reaches the topic.
 */
@Injectable()
export class LatestStatePublisher
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private timer?: NodeJS.Timeout;
  /** Devices whose state is to be published, in the order they were taken. */
  private readonly waiting = new Set<string>();
  private nextTurn?: NodeJS.Immediate;
  private readonly unsubscribes: (() => void)[] = [];
  private readonly log: Logger;

  constructor(
    private readonly states: DeviceStateStore,
    private readonly consents: ConsentCache,
    private readonly consentStore: ConsentStore,
    private readonly buffer: PublishBuffer,
    private readonly router: TopicRouter,
    private readonly published: PublishedStates,
    @InjectConfig() private readonly config: AppConfig,
    @InjectRootLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'latest-state' });
  }

  onModuleInit(): void {
    this.unsubscribes.push(
      this.consents.onRevoke((ended) => this.tombstone(ended.deviceId, ended.partnerId)),
      this.buffer.onClosing(() => this.publishAllChanged()),
    );
    this.timer = setInterval(() => this.publishChanged(), this.config.ingest.latestStateIntervalMs);
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      const ended = await this.consentStore.endedConsents();
      for (const { deviceId, partnerId } of ended) this.tombstone(deviceId, partnerId);
    } catch (error) {
      // The next start publishes them again; the live revokes do not depend on it.
      this.log.warn(
        { problem: (error as Error).message },
        'could not read the ended consents to publish their tombstones',
      );
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    clearImmediate(this.nextTurn);
  }

  /** Not before: the buffer asks for the last states after the modules are destroyed. */
  onApplicationShutdown(): void {
    for (const unsubscribe of this.unsubscribes) unsubscribe();
  }

  /** The state of every consented device that reported since the last call, a slice per turn. */
  publishChanged(): void {
    for (const deviceId of this.states.takeChanged()) this.waiting.add(deviceId);
    this.nextTurn ??= setImmediate(() => this.publishTurn());
  }

  private publishAllChanged(): void {
    for (const deviceId of this.states.takeChanged()) this.waiting.add(deviceId);
    this.publishWaiting(this.waiting.size);
  }

  private publishTurn(): void {
    this.nextTurn = undefined;
    this.publishWaiting(DEVICES_PER_TURN);
    if (this.waiting.size > 0) this.nextTurn = setImmediate(() => this.publishTurn());
  }

  /** The states of the first `count` devices waiting, as they are now. */
  private publishWaiting(count: number): void {
    const time = new Date().toISOString();
    for (const deviceId of this.waiting) {
      if (count-- === 0) return;
      this.waiting.delete(deviceId);
      const consent = this.consents.get(deviceId);
      // Its consent ended meanwhile: its tombstone is on the way.
      if (!consent) continue;
      const state = latestState(consent, this.states.get(deviceId), { id: randomUUID(), time });
      this.published.published(deviceId, state.id);
      this.buffer.push({
        topic: this.router.topicsOf(consent.partnerId).deviceState,
        key: deviceId,
        type: state.type,
        id: state.id,
        source: eventSources.latestState,
        time,
        partner: consent.partnerId,
        value: JSON.stringify(state),
      });
    }
  }

  /**
   * Unless the device's current consent publishes to the same topic: a device that moved to another
   * partner on shared topics keeps its record there.
   */
  private tombstone(deviceId: string, partnerId: string): void {
    const topic = this.router.topicsOf(partnerId).deviceState;
    const current = this.consents.get(deviceId);
    if (current && this.router.topicsOf(current.partnerId).deviceState === topic) return;
    this.buffer.push({
      topic,
      key: deviceId,
      type: LATEST_STATE_TYPE,
      id: randomUUID(),
      source: eventSources.latestState,
      time: new Date().toISOString(),
      partner: partnerId,
      value: null,
    });
  }
}
