import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Logger } from 'pino';
import { backoffDelay, hostMatcher, sleep, toDecimalDeviceId } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { type Consent, ConsentCache, RecordUpstreamChange, type UpstreamChange } from '../consent';
import { IngestPipeline } from '../ingest';
import type { JsonObject } from '../normalize';
import { InjectRootLogger, Metrics } from '../observability';
import { sessionSource } from '../publish';
import {
  type ActionResponse,
  type ActionResult,
  IntegratorActions,
  readSessionKey,
} from '../shelly';
import { decideVerification, resultLabel, unsettledForMs } from './verify-decision';

/**
 * Events missed while a session was down are not replayed (protocol 2.4), so each time a session
 * opens, every consented device of its host is verified with `DeviceVerify`, at
 * SHELLY_RESYNC_VERIFIES_PER_SECOND; so is each device that gains a consent while its host's session
 * is up. The answer refreshes the device (a status event, or offline), and a scope, model, revoke or
 * host the cloud holds and the service did not is stored as a consent change. A `WRONG_HOST` answer
 * to any other request has the device verified too. A verify without an
 * answer is tried again later; one that cannot be sent waits for the next session open. The resync
 * runs on the instance that holds the session.
 */
@Injectable()
export class DeviceResync implements OnModuleInit, OnModuleDestroy {
  /** Devices waiting for their verify, per host, in order. */
  private readonly queues = new Map<string, Set<string>>();
  private readonly draining = new Set<string>();
  /** Unanswered verifies in a row, per device, for the retry delay. */
  private readonly unanswered = new Map<string, number>();
  private readonly retries = new Set<NodeJS.Timeout>();
  /** Verifies sent whose answer has not been applied yet. */
  private awaiting = 0;
  private readonly unsubscribes: (() => void)[] = [];
  private readonly hostAllowed: (host: string) => boolean;
  private readonly intervalMs: number;
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly actions: IntegratorActions,
    private readonly consents: ConsentCache,
    private readonly record: RecordUpstreamChange,
    private readonly ingest: IngestPipeline,
    private readonly metrics: Metrics,
    @InjectConfig() private readonly config: AppConfig,
    @InjectRootLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'device-resync' });
    this.hostAllowed = hostMatcher(config.consent.hostAllowlist);
    this.intervalMs = 1000 / config.shelly.resyncVerifiesPerSecond;
    metrics.sample(metrics.resyncDevicesPending, () => this.pending);
  }

  onModuleInit(): void {
    this.unsubscribes.push(
      this.actions.onSessionOpen((key) => {
        // A linked account's session has no consented devices: its own snapshot refreshes them.
        if (readSessionKey(key).kind === 'integrator')
          this.verify(key, this.consentedDevicesOf(key));
      }),
      this.consents.onGrant((consent) => {
        if (this.actions.isConnected(consent.host)) this.verify(consent.host, [consent.deviceId]);
      }),
      // Another request learned of a move (a settings request): the verify decides and stores it.
      this.actions.onWrongHost(({ action, host, deviceId }) => {
        if (action !== 'DeviceVerify') this.verify(host, [deviceId]);
      }),
    );
  }

  onModuleDestroy(): void {
    this.stopped = true;
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    for (const timer of this.retries) clearTimeout(timer);
  }

  /** Devices queued, awaited or due for a retry; at 0, what the resyncs learned so far is applied. */
  get pending(): number {
    let queued = 0;
    for (const queue of this.queues.values()) queued += queue.size;
    return queued + this.awaiting + this.retries.size;
  }

  private consentedDevicesOf(host: string): string[] {
    return [...this.consents.values()].filter((c) => c.host === host).map((c) => c.deviceId);
  }

  private verify(host: string, deviceIds: readonly string[]): void {
    let queue = this.queues.get(host);
    if (!queue) {
      queue = new Set();
      this.queues.set(host, queue);
    }
    for (const deviceId of deviceIds) queue.add(deviceId);
    if (!this.draining.has(host)) void this.drain(host, queue);
  }

  private async drain(host: string, queue: Set<string>): Promise<void> {
    this.draining.add(host);
    try {
      for (const deviceId of queue) {
        if (this.stopped) return;
        queue.delete(deviceId);
        const consent = this.consents.get(deviceId);
        // Revoked or moved since it was queued: nothing to verify here.
        if (!consent || consent.host !== host) continue;
        const answer = this.actions.request(
          host,
          'DeviceVerify',
          deviceId,
          this.config.control.commandTimeoutMs,
        );
        if (!answer) {
          // The session closed: its next open verifies the whole host again.
          queue.clear();
          return;
        }
        this.metrics.resyncVerifiesSent.inc({ host });
        this.awaiting++;
        void answer
          .then((result) => this.settle(host, consent, result))
          .finally(() => this.awaiting--);
        await sleep(this.intervalMs);
      }
    } finally {
      this.draining.delete(host);
    }
  }

  private async settle(host: string, seen: Consent, result: ActionResult): Promise<void> {
    if (result.kind === 'timeout') {
      this.metrics.resyncVerifyOutcomes.inc({ host, result: 'unanswered' });
      this.retryLater(host, seen.deviceId);
      return;
    }
    this.unanswered.delete(seen.deviceId);
    const { response } = result;
    this.metrics.resyncVerifyOutcomes.inc({ host, result: resultLabel(response) });
    const decision = decideVerification(seen, response, this.hostAllowed);
    try {
      switch (decision.kind) {
        case 'refresh':
          this.ingest.publishResync(host, this.refreshFrame(seen.deviceId, decision.status));
          if (decision.change) await this.store(host, seen, decision.change, response);
          return;
        case 'revoke':
          await this.store(host, seen, { action: 'revoke' }, response);
          return;
        case 'move':
          await this.store(
            host,
            seen,
            { action: 'update', fields: { host: decision.host } },
            response,
          );
          return;
        case 'ignore':
          this.log.warn({ deviceId: seen.deviceId, problem: decision.problem }, 'resync answer');
          return;
      }
    } catch (error) {
      // The next resync of the host verifies the device again.
      this.log.error(
        { deviceId: seen.deviceId, problem: (error as Error).message },
        'could not store what a resync learned',
      );
    }
  }

  /** The frame the device would have sent: its status when online, else `Shelly:Online` 0. */
  private refreshFrame(
    deviceId: string,
    status: JsonObject | undefined,
  ): JsonObject & { event: string } {
    const id = toDecimalDeviceId(deviceId) as string;
    return status
      ? { event: 'Shelly:StatusOnChange', deviceId: id, status }
      : { event: 'Shelly:Online', deviceId: id, online: 0 };
  }

  private async store(
    host: string,
    seen: Consent,
    change: UpstreamChange,
    response: ActionResponse,
  ): Promise<void> {
    const unsettled = unsettledForMs(seen, Date.now(), this.config.shelly.consentSettleMs);
    if (unsettled > 0) {
      this.log.info(
        { deviceId: seen.deviceId, result: response.result, retryInMs: unsettled },
        'a resync answer contradicts a consent changed moments ago; asking again later',
      );
      this.retryLater(host, seen.deviceId, unsettled);
      return;
    }
    const applied = await this.record.execute(
      seen,
      change,
      {
        source: 'resync',
        answer: {
          result: response.result,
          deviceId: response.deviceId,
          host: response.host,
          accessGroups: response.accessGroups,
          deviceType: response.deviceType,
          deviceCode: response.deviceCode,
          user: response.user,
        },
      },
      sessionSource('integrator', host),
    );
    if (applied.change !== 'unchanged') {
      this.log.info(
        { deviceId: seen.deviceId, change: applied.change, result: response.result },
        'resync found a consent change the cloud holds',
      );
    }
  }

  private retryLater(host: string, deviceId: string, delayMs?: number): void {
    if (this.stopped) return;
    let delay = delayMs;
    if (delay === undefined) {
      const attempt = this.unanswered.get(deviceId) ?? 0;
      this.unanswered.set(deviceId, attempt + 1);
      delay = backoffDelay(attempt, this.config.shelly.reconnect);
    }
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      if (this.actions.isConnected(host)) this.verify(host, [deviceId]);
    }, delay);
    this.retries.add(timer);
  }
}
