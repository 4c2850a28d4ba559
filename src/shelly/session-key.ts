/**
 * What one socket to Shelly serves: an integrator host (`shelly-103-eu.shelly.cloud`), or a linked
 * account (`account:<id>`). Host names hold no colon, so the two never meet.
 */
export type SessionKey =
  { kind: 'integrator'; host: string } | { kind: 'account'; accountId: string };

const ACCOUNT_PREFIX = 'account:';

export function accountSessionKey(accountId: string): string {
  return `${ACCOUNT_PREFIX}${accountId}`;
}

export function readSessionKey(key: string): SessionKey {
  return key.startsWith(ACCOUNT_PREFIX)
    ? { kind: 'account', accountId: key.slice(ACCOUNT_PREFIX.length) }
    : { kind: 'integrator', host: key };
}
