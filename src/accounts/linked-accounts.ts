import { Injectable } from '@nestjs/common';
import { AccountsSetup } from './accounts-setup';
import type { AccountChange, LinkedAccount } from './linked-account';
import { LinkedAccountsStore } from './linked-accounts.store';

export type AccountChangeListener = (change: AccountChange, account: LinkedAccount) => void;

/**
 * What a session per account needs: the accounts to hold a session for, a current access token
 * for each, and word of every account linked, unlinked or needing a relink on this replica.
 */
@Injectable()
export class LinkedAccounts {
  private readonly listeners = new Set<AccountChangeListener>();

  constructor(
    private readonly store: LinkedAccountsStore,
    private readonly setup: AccountsSetup,
  ) {}

  active(): Promise<LinkedAccount[]> {
    return this.store.list({ status: 'active' });
  }

  /** The account's current access token; null when it is not active (or unknown). */
  async accessToken(accountId: string): Promise<string | null> {
    const sealed = await this.store.sealedToken(accountId);
    return sealed === null ? null : this.setup.require().cipher.open(sealed, accountId);
  }

  onChange(listener: AccountChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** For this module's writers, once a change committed. */
  announce(change: AccountChange, account: LinkedAccount): void {
    for (const listener of this.listeners) listener(change, account);
  }
}
