import { Injectable } from '@nestjs/common';
import { LinkedAccounts } from '../accounts';
import { ConsentSessionKeys } from '../consent';
import { accountSessionKey, SessionKeySource } from '../shelly';

/**
 * Every session key some replica should hold: a host of the consent host set for each integrator
 * session, and each active linked account for its Real Time Events session.
 */
@Injectable()
export class WantedSessionKeys extends SessionKeySource {
  constructor(
    private readonly consent: ConsentSessionKeys,
    private readonly accounts: LinkedAccounts,
  ) {
    super();
  }

  keys(): string[] {
    return [
      ...this.consent.keys(),
      ...this.accounts.active().map((account) => accountSessionKey(account.id)),
    ];
  }

  onChange(listener: (key: string, present: boolean) => Promise<void> | void): () => void {
    const stops = [
      this.consent.onChange(listener),
      this.accounts.onChange(
        (accountId, active) => void listener(accountSessionKey(accountId), active !== undefined),
      ),
    ];
    return () => stops.forEach((stop) => stop());
  }
}
