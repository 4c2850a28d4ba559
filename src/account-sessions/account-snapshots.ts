import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Logger } from 'pino';
import { LinkedAccounts } from '../accounts';
import { CloudControlClient, snapshotFrames } from '../cloud-control';
import { backoffDelay, type BackoffPolicy } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { IngestPipeline } from '../ingest';
import { InjectRootLogger } from '../observability';
import { accountSessionKey, CommandDispatcher, readSessionKey } from '../shelly';
import { AccountApi } from './account-api';

export type SnapshotOutcome =
  { ok: true; devices: number } | { ok: false; error: string; detail: string };

/**
 * Events missed while an account's socket was down are not replayed, so each time it opens, the
 * account's devices are read through the Cloud Control API (the device list, then their status in
 * pages of ten) and published as status events marked `source.snapshot`. The devices listed are
 * recorded as the account's, so that commands find them before they report. A snapshot that fails
 * is taken again, with the sessions' reconnect backoff, for as long as the socket stays open.
 */
@Injectable()
export class AccountSnapshots implements OnModuleInit, OnModuleDestroy {
  private stopListening?: () => void;
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private readonly retryPolicy: BackoffPolicy;
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly dispatcher: CommandDispatcher,
    private readonly accounts: LinkedAccounts,
    private readonly cloudControl: CloudControlClient,
    private readonly api: AccountApi,
    private readonly ingest: IngestPipeline,
    @InjectConfig() config: AppConfig,
    @InjectRootLogger() logger: Logger,
  ) {
    this.retryPolicy = config.shelly.reconnect;
    this.log = logger.child({ component: 'account-snapshots' });
  }

  onModuleInit(): void {
    this.stopListening = this.dispatcher.onSessionOpen((key) => {
      const session = readSessionKey(key);
      if (session.kind === 'account') void this.takeWhileOpen(session.accountId, 0);
    });
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.stopListening?.();
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
  }

  private async takeWhileOpen(accountId: string, attempt: number): Promise<void> {
    clearTimeout(this.retries.get(accountId));
    this.retries.delete(accountId);
    const outcome = await this.take(accountId);
    if (outcome.ok || outcome.error === 'account_not_found' || this.stopped) return;
    if (!this.dispatcher.isConnected(accountSessionKey(accountId))) return;
    const delay = backoffDelay(attempt, this.retryPolicy);
    this.retries.set(
      accountId,
      setTimeout(() => void this.takeWhileOpen(accountId, attempt + 1), delay),
    );
  }

  /** Reads the account's devices and publishes what it read; never throws. */
  async take(accountId: string): Promise<SnapshotOutcome> {
    const account = this.accounts.get(accountId);
    if (account === undefined) {
      return { ok: false, error: 'account_not_found', detail: 'the account is not active' };
    }
    const snapshot = await this.cloudControl.snapshot(this.api.of(account));
    if (!snapshot.ok) {
      this.log.warn(
        { accountId, error: snapshot.error, detail: snapshot.detail },
        'could not take a snapshot of a linked account',
      );
      return snapshot;
    }
    try {
      await this.accounts.addDevices(
        accountId,
        snapshot.value.map((device) => ({
          deviceId: device.id,
          model: device.model,
          gen: device.gen,
        })),
      );
    } catch (error) {
      this.log.warn({ err: error, accountId }, "could not record a linked account's devices");
    }
    for (const device of snapshot.value) {
      this.ingest.publishSnapshot(accountId, snapshotFrames(device));
    }
    return { ok: true, devices: snapshot.value.length };
  }
}
