import { DomainError, hostMatcher } from '../common';
import { readCode, readGrant, renewalDue } from './oauth-grant';

const shellyHosts = hostMatcher(['shelly-*.shelly.cloud']);
const now = new Date('2026-12-02T10:00:00Z');

/** An unsigned JWT with these claims: the service reads codes and tokens without verifying them. */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return undefined;
}

describe('authorization code', () => {
  it('reads the user id and the host of user_api_url', () => {
    const code = jwt({ user_id: '6550', user_api_url: 'https://Shelly-103-EU.shelly.cloud' });
    expect(readCode(code, shellyHosts)).toEqual({
      userId: 6550,
      apiHost: 'shelly-103-eu.shelly.cloud',
    });
  });

  it('refuses a user_api_url outside the Shelly hosts, or over plain http', () => {
    for (const url of [
      'https://attacker.example',
      'https://shelly-103-eu.shelly.cloud.attacker.example',
      'http://shelly-103-eu.shelly.cloud',
    ]) {
      expect(codeOf(() => readCode(jwt({ user_id: '6550', user_api_url: url }), shellyHosts))).toBe(
        'host_not_allowed',
      );
    }
  });

  it('refuses a code that is no JWT or names no account', () => {
    for (const code of [
      'not-a-jwt',
      jwt({ user_api_url: 'https://shelly-103-eu.shelly.cloud' }),
      jwt({ user_id: 'x', user_api_url: 'https://shelly-103-eu.shelly.cloud' }),
      jwt({ user_id: '6550' }),
    ]) {
      expect(codeOf(() => readCode(code, shellyHosts))).toBe('account_code_invalid');
    }
  });
});

describe('access token answer', () => {
  it("takes the expiry from the token's exp over expires_in", () => {
    const token = jwt({ user_id: '6550', exp: now.getTime() / 1000 + 43200 });
    expect(readGrant({ access_token: token, expires_in: 3600 }, 6550, now)).toEqual({
      accessToken: token,
      expiresAt: new Date(now.getTime() + 43_200_000),
    });
  });

  it('falls back on expires_in when the token has no exp', () => {
    const token = jwt({ user_id: '6550' });
    expect(readGrant({ access_token: token, expires_in: 3600 }, 6550, now).expiresAt).toEqual(
      new Date(now.getTime() + 3_600_000),
    );
  });

  it("refuses another account's token, no token, or a token of no lifetime", () => {
    const exp = now.getTime() / 1000 + 60;
    for (const answer of [
      { access_token: jwt({ user_id: '7', exp }) },
      { expires_in: 3600 },
      { access_token: jwt({ user_id: '6550' }) },
      null,
    ]) {
      expect(codeOf(() => readGrant(answer, 6550, now))).toBe('account_link_refused');
    }
  });
});

describe('renewal time', () => {
  const expiresAt = new Date(now.getTime() + 1_000_000);

  it('falls between 75 % and 85 % of the remaining life', () => {
    expect(renewalDue(now, expiresAt, () => 0)).toEqual(new Date(now.getTime() + 750_000));
    expect(renewalDue(now, expiresAt, () => 0.999999).getTime()).toBeLessThan(
      now.getTime() + 850_000,
    );
  });

  it('is now for a token already expired', () => {
    expect(renewalDue(now, new Date(now.getTime() - 5), () => 0.5)).toEqual(now);
  });
});
