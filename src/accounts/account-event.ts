import type { AccountChange, LinkedAccount } from './linked-account';

export interface AccountEvent {
  type: `account.${AccountChange}.v1`;
  id: string;
  time: string;
  /** The partner the account is linked to. */
  partner: string;
  account: { id: string; userId: number; host: string; scope: string; status: string | null };
  /** Why a relink is needed; null for the other changes. */
  reason: string | null;
}

/** The consent-topic event announcing a change of a linked account; `unlinked` has no status. */
export function accountEvent(
  change: AccountChange,
  account: LinkedAccount,
  meta: { id: string; time: Date; reason?: string },
): AccountEvent {
  return {
    type: `account.${change}.v1`,
    id: meta.id,
    time: meta.time.toISOString(),
    partner: account.partnerId,
    account: {
      id: account.id,
      userId: account.shellyUserId,
      host: account.apiHost,
      scope: account.scope,
      status: change === 'unlinked' ? null : account.status,
    },
    reason: meta.reason ?? null,
  };
}
