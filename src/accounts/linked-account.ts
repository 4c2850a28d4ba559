import type { AccountScope } from './link-state';

export type AccountStatus = 'active' | 'relink_required';

/** A linked Shelly account as the API shows it: never its tokens. */
export interface LinkedAccount {
  id: string;
  partnerId: string;
  shellyUserId: number;
  apiHost: string;
  scope: AccountScope;
  status: AccountStatus;
  /** When the current access token stops working; null once renewal was refused. */
  tokenExpiresAt: Date | null;
  linkedAt: Date;
  updatedAt: Date;
}

export type AccountChange = 'linked' | 'relink_required' | 'unlinked';
