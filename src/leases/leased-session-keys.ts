import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Logger } from 'pino';
import { type AppConfig, InjectConfig } from '../config';
import { InjectRootLogger, Metrics, Replica } from '../observability';
import { SessionKeySource } from '../shelly';
import { ShutdownState } from '../shutdown';
import { leaseTimes, type LeaseTimes, planLeases } from './lease-plan';
import { LeaseStore } from './lease.store';
import { LeasedReplicaCount } from './leased-replica-count';
import { WantedSessionKeys } from './wanted-session-keys';

type KeyListener = (key: string, present: boolean) => Promise<void> | void;

/**
 * The session keys this replica holds: of those wanted (integrator hosts, linked accounts), the ones whose lease in Postgres it
 * holds, so that each key has one socket among all replicas. Every round (a sixth of
 * SESSION_LEASE_TTL_MS, and at once when the wanted keys change) it renews what it holds, hands over
 * what is over its share or no longer wanted (closing the socket before giving up the lease, so the
 * cloud never sees two), and takes free keys up to its share.
 *
 * Fencing: a lease is good for its duration from the moment its renewal was sent. A replica that
 * could not renew in time (its database out of reach) stops the sessions a margin before then, so
 * that they are closed before another replica may take the keys over.
 */
@Injectable()
export class LeasedSessionKeys
  extends SessionKeySource
  implements OnApplicationBootstrap, OnModuleDestroy
{
  readonly replica: string;
  private readonly owned = new Set<string>();
  private readonly listeners = new Set<KeyListener>();
  private readonly times: LeaseTimes;
  private readonly address: string;
  private roundTimer?: NodeJS.Timeout;
  private fenceTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private stopWanting?: () => void;
  private handingOver?: Promise<void>;
  private readonly log: Logger;

  constructor(
    private readonly wanted: WantedSessionKeys,
    private readonly store: LeaseStore,
    private readonly replicas: LeasedReplicaCount,
    private readonly metrics: Metrics,
    @InjectConfig() config: AppConfig,
    @InjectRootLogger() logger: Logger,
    shutdown: ShutdownState,
    replica: Replica,
  ) {
    super();
    this.replica = replica.id;
    shutdown.onDrain(() => this.handOver());
    this.times = leaseTimes(config.shelly.sessionLeaseTtlMs);
    this.address = config.http.replicaUrl;
    this.log = logger.child({ component: 'session-leases', replica: this.replica });
  }

  keys(): string[] {
    return [...this.owned];
  }

  /** The REST address of the other replica that holds `key`, if another one does. */
  holderElsewhere(key: string): Promise<string | undefined> {
    return this.store.holderAddress(this.replica, key);
  }

  onChange(listener: KeyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onApplicationBootstrap(): void {
    this.stopWanting = this.wanted.onChange(() => this.runRound());
    this.roundTimer = setInterval(() => this.runRound(), this.times.roundMs);
    this.runRound();
  }

  /** On draining, or on shutdown without a drain, the keys are handed over. */
  async onModuleDestroy(): Promise<void> {
    await this.handOver();
  }

  /**
   * Each socket closed, then its lease given up, and the replica leaves, so that the others share the
   * keys without it from their next round.
   */
  private handOver(): Promise<void> {
    this.handingOver ??= (async () => {
      this.stopped = true;
      this.stopWanting?.();
      clearInterval(this.roundTimer);
      clearTimeout(this.fenceTimer);
      await this.running;
      await Promise.all([...this.owned].map((key) => this.giveUp(key, 'shutdown')));
      await this.store.leave(this.replica).catch(() => undefined);
    })();
    return this.handingOver;
  }

  /** One round at a time; a round asked for while one runs follows it. */
  private runRound(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round()
      .catch((error: unknown) =>
        this.log.warn({ problem: (error as Error).message }, 'lease round failed'),
      )
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.runRound();
        }
      });
  }

  private async round(): Promise<void> {
    const wanted = this.wanted.keys();
    const sentAt = performance.now();
    const stopTimer = this.metrics.sessionLeaseRound.startTimer();
    const round = await this.store.round(
      { id: this.replica, address: this.address },
      this.times.durationMs,
      wanted,
    );
    stopTimer();
    this.fenceAt(sentAt + this.times.durationMs - this.times.stopMarginMs);
    this.metrics.sessionKeysWithoutOwner.set(round.withoutOwner);
    this.replicas.counted(round.replicas);
    // Keys renewed that this replica had let go of (fenced) or never knew: taken as held again.
    const renewed = new Set(round.owned);
    for (const key of [...this.owned]) if (!renewed.has(key)) void this.lose(key);
    for (const key of renewed) this.hold(key);

    const plan = planLeases(round.owned, new Set(wanted), round.replicas);
    await Promise.all(plan.release.map(({ key, why }) => this.giveUp(key, why)));
    if (plan.acquire > 0 && !this.stopped) {
      const candidates = wanted.filter((key) => !this.owned.has(key));
      const taken = await this.store.acquire(
        this.replica,
        candidates,
        plan.acquire,
        this.times.durationMs,
      );
      for (const { key, takeover } of taken) {
        this.metrics.sessionLeasesAcquired.inc({ how: takeover ? 'takeover' : 'free' });
        this.hold(key);
      }
    }
  }

  /** After `deadline` (of `performance.now()`) without a renewal, every session stops. */
  private fenceAt(deadline: number): void {
    clearTimeout(this.fenceTimer);
    this.fenceTimer = setTimeout(
      () => {
        if (this.owned.size === 0) return;
        this.log.error(
          { keys: this.owned.size },
          'could not renew the session leases in time: stopping their sessions',
        );
        for (const key of [...this.owned]) {
          this.metrics.sessionLeasesReleased.inc({ why: 'fenced' });
          void this.lose(key);
        }
      },
      Math.max(0, deadline - performance.now()),
    );
  }

  private hold(key: string): void {
    if (this.owned.has(key)) return;
    this.owned.add(key);
    this.metrics.sessionKeysOwned.set(this.owned.size);
    for (const listener of this.listeners) void listener(key, true);
  }

  /** Stops the key's session; answers once its socket has closed. */
  private async lose(key: string): Promise<void> {
    if (!this.owned.delete(key)) return;
    this.metrics.sessionKeysOwned.set(this.owned.size);
    for (const listener of [...this.listeners]) await listener(key, false);
  }

  private async giveUp(key: string, why: 'unwanted' | 'handoff' | 'shutdown'): Promise<void> {
    await this.lose(key);
    await this.store.release(this.replica, key);
    this.metrics.sessionLeasesReleased.inc({ why });
    if (why === 'handoff') this.log.info({ key }, 'handed a session over to another replica');
  }
}
