import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Logger } from 'pino';
import { type AppConfig, InjectConfig } from '../config';
import { ChannelListener } from '../database';
import { InjectRootLogger } from '../observability';
import { AccountsSetup } from './accounts-setup';
import type { LinkedAccount } from './linked-account';
import {
  ACCOUNT_CHANNEL,
  type AccountDevice,
  type ActiveAccount,
  LinkedAccountsStore,
} from './linked-accounts.store';

/** An account became active (linked, linked again) with the account, or stopped being one. */
export type AccountChangeListener = (accountId: string, active: LinkedAccount | undefined) => void;

interface CachedAccount {
  account: LinkedAccount;
  devices: Map<string, AccountDevice>;
}

/**
 * The active linked accounts and their devices, in memory on every replica and kept equal to the
 * database through the account channel: what sessions per account, their frames and the commands
 * to their devices need without a round trip. Tokens are read from the database when asked for,
 * so that a renewed one is used at once.
 */
@Injectable()
export class LinkedAccounts implements OnModuleInit, OnModuleDestroy {
  private readonly accounts = new Map<string, CachedAccount>();
  private readonly accountsByDevice = new Map<string, Set<string>>();
  /** `<account> <device>` of devices being recorded: a chatty new device is written once. */
  private readonly recording = new Set<string>();
  private readonly listeners = new Set<AccountChangeListener>();
  private readonly listener: ChannelListener;
  private changes = 0;

  constructor(
    private readonly store: LinkedAccountsStore,
    private readonly setup: AccountsSetup,
    @InjectConfig() config: AppConfig,
    @InjectRootLogger() logger: Logger,
  ) {
    this.listener = new ChannelListener(
      config.database,
      ACCOUNT_CHANNEL,
      {
        reload: async () => this.replaceAll(await this.store.activeAccounts()),
        notice: async (accountId) => this.set(accountId, await this.store.activeAccount(accountId)),
      },
      logger.child({ component: 'linked-accounts' }),
    );
  }

  onModuleInit(): Promise<void> {
    return this.listener.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.listener.stop();
  }

  /** Grows with every change to the accounts or their devices. */
  get version(): number {
    return this.changes;
  }

  active(): LinkedAccount[] {
    return [...this.accounts.values()].map(({ account }) => account);
  }

  get(accountId: string): LinkedAccount | undefined {
    return this.accounts.get(accountId)?.account;
  }

  /** The active accounts a device belongs to (one per partner that linked its owner's account). */
  accountsOf(deviceId: string): LinkedAccount[] {
    const ids = this.accountsByDevice.get(deviceId);
    if (ids === undefined) return [];
    return [...ids].flatMap((id) => this.accounts.get(id)?.account ?? []);
  }

  device(accountId: string, deviceId: string): AccountDevice | undefined {
    return this.accounts.get(accountId)?.devices.get(deviceId);
  }

  /** Every device of every active account, with the account. */
  *devices(): Generator<{ account: LinkedAccount; device: AccountDevice }> {
    for (const { account, devices } of this.accounts.values()) {
      for (const device of devices.values()) yield { account, device };
    }
  }

  /**
   * Records devices an account's snapshot or socket named; only those neither known nor being
   * recorded already reach the database.
   */
  async addDevices(accountId: string, devices: readonly AccountDevice[]): Promise<void> {
    const known = this.accounts.get(accountId);
    if (known === undefined) return;
    const unknown = devices.filter(
      (device) =>
        !known.devices.has(device.deviceId) &&
        !this.recording.has(`${accountId} ${device.deviceId}`),
    );
    if (unknown.length === 0) return;
    const marks = unknown.map((device) => `${accountId} ${device.deviceId}`);
    for (const mark of marks) this.recording.add(mark);
    try {
      await this.store.addDevices(accountId, unknown, new Date());
    } finally {
      for (const mark of marks) this.recording.delete(mark);
    }
  }

  /** The account's current access token; null when it is not active (or unknown). */
  async accessToken(accountId: string): Promise<string | null> {
    const sealed = await this.store.sealedToken(accountId);
    return sealed === null ? null : this.setup.require().cipher.open(sealed, accountId);
  }

  /** Tells `listener` of every account that became active or stopped being, on any replica. */
  onChange(listener: AccountChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private replaceAll(active: ActiveAccount[]): void {
    const ids = new Set(active.map(({ account }) => account.id));
    for (const id of [...this.accounts.keys()]) if (!ids.has(id)) this.set(id, null);
    for (const entry of active) this.set(entry.account.id, entry);
  }

  private set(accountId: string, entry: ActiveAccount | null): void {
    const before = this.accounts.get(accountId);
    for (const device of before?.devices.values() ?? []) {
      const ids = this.accountsByDevice.get(device.deviceId);
      ids?.delete(accountId);
      if (ids?.size === 0) this.accountsByDevice.delete(device.deviceId);
    }
    if (entry === null) this.accounts.delete(accountId);
    else {
      this.accounts.set(accountId, {
        account: entry.account,
        devices: new Map(entry.devices.map((device) => [device.deviceId, device])),
      });
      for (const device of entry.devices) {
        const ids = this.accountsByDevice.get(device.deviceId);
        if (ids) ids.add(accountId);
        else this.accountsByDevice.set(device.deviceId, new Set([accountId]));
      }
    }
    this.changes += 1;
    if ((before === undefined) !== (entry === null)) {
      for (const listener of this.listeners) listener(accountId, entry?.account);
    }
  }
}
