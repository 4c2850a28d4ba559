import { decodeJwt } from 'jose';
import { DomainError } from '../common';

/** What the service reads from an authorization code: whose account it is and its home server. */
export interface CodeClaims {
  userId: number;
  /** The host of `user_api_url`, where the code is exchanged and every later call goes. */
  apiHost: string;
}

/** An access token as stored: the token and when it stops working. */
export interface AccessGrant {
  accessToken: string;
  expiresAt: Date;
}

/**
 * Reads the code's claims without verifying it: only Shelly can, by exchanging it (protocol 4.1).
 * So the claims are believed only as far as `hostAllowed` lets them: an https `user_api_url` on a
 * Shelly host, or a forged code could make the service send it anywhere.
 */
export function readCode(code: string, hostAllowed: (host: string) => boolean): CodeClaims {
  const claims = decodeClaims(code);
  const userId = Number(claims?.user_id);
  const apiUrl = typeof claims?.user_api_url === 'string' ? claims.user_api_url : '';
  if (!Number.isSafeInteger(userId) || userId <= 0 || !URL.canParse(apiUrl)) {
    throw new DomainError('account_code_invalid', 'the code does not name a Shelly account');
  }
  const url = new URL(apiUrl);
  if (url.protocol !== 'https:' || !hostAllowed(url.hostname)) {
    throw new DomainError(
      'host_not_allowed',
      `the code's user_api_url host ${url.hostname.slice(0, 100)} is not in the allowed Shelly hosts`,
    );
  }
  return { userId, apiHost: url.hostname.toLowerCase() };
}

/**
 * The grant from an `/oauth/auth` answer. The token's own `exp` wins over `expires_in` (which the
 * docs show as illustrative); the token must belong to the account it was asked for.
 */
export function readGrant(answer: unknown, userId: number, now: Date): AccessGrant {
  const body = (typeof answer === 'object' && answer !== null ? answer : {}) as Record<
    string,
    unknown
  >;
  const accessToken = typeof body.access_token === 'string' ? body.access_token : '';
  const claims = decodeClaims(accessToken);
  if (!claims || Number(claims.user_id) !== userId) {
    throw new DomainError('account_link_refused', 'Shelly answered without a usable access token');
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : undefined;
  const expiresAtSeconds =
    typeof claims.exp === 'number'
      ? claims.exp
      : expiresIn !== undefined
        ? now.getTime() / 1000 + expiresIn
        : undefined;
  if (expiresAtSeconds === undefined) {
    throw new DomainError('account_link_refused', 'Shelly answered with a token of no lifetime');
  }
  return { accessToken, expiresAt: new Date(expiresAtSeconds * 1000) };
}

/** Renewal is due at 75–85 % of the token's remaining life: early enough, and spread over replicas. */
export function renewalDue(now: Date, expiresAt: Date, random: () => number = Math.random): Date {
  const life = Math.max(0, expiresAt.getTime() - now.getTime());
  return new Date(now.getTime() + life * (0.75 + 0.1 * random()));
}

function decodeClaims(token: string): Record<string, unknown> | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}
