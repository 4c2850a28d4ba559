import { decodeJwt, SignJWT } from 'jose';
import type { Account } from './accounts';
import { OAuthTokens } from './oauth-tokens';

const account: Account = { userId: 6550, host: 'shelly-43-eu.shelly.cloud', devices: [] };

describe('OAuth codes and access tokens', () => {
  let now: number;
  let tokens: OAuthTokens;

  beforeEach(() => {
    now = Date.UTC(2025, 0, 10, 12, 0, 0);
    tokens = new OAuthTokens(43_200, () => now);
  });

  it('puts the home server and user in a code a client reads without the key', async () => {
    const code = await tokens.issueCode(account, 'shelly-diy');

    expect(decodeJwt(code)).toMatchObject({
      sub: 'shelly-diy',
      user_id: '6550',
      user_api_url: 'https://shelly-43-eu.shelly.cloud',
      iat: now / 1000,
    });
    expect(await tokens.checkCode(code)).toMatchObject({
      ok: true,
      userId: 6550,
      clientId: 'shelly-diy',
    });
  });

  it('issues access tokens shaped like the published sample, expiring after the lifetime', async () => {
    const token = await tokens.issueAccessToken(account, 'shelly-diy');

    expect(decodeJwt(token)).toMatchObject({
      sub: 'pwd',
      user_id: '6550',
      user_api_url: 'https://shelly-43-eu.shelly.cloud',
      from: 'shelly-diy',
      iat: now / 1000,
      exp: now / 1000 + 43_200,
    });
    expect(await tokens.checkAccess(token)).toEqual({
      ok: true,
      userId: 6550,
      clientId: 'shelly-diy',
    });
    now += 43_200_000;
    expect(await tokens.checkAccess(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses every earlier code and token of an account whose tokens were revoked', async () => {
    const other: Account = { ...account, userId: 7001 };
    const code = await tokens.issueCode(account, 'shelly-diy');
    const token = await tokens.issueAccessToken(account, 'shelly-diy');
    const othersToken = await tokens.issueAccessToken(other, 'shelly-diy');

    tokens.revoke(account.userId);

    expect(await tokens.checkCode(code)).toEqual({ ok: false, reason: 'revoked' });
    expect(await tokens.checkAccess(token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await tokens.checkAccess(othersToken)).toMatchObject({ ok: true, userId: 7001 });
    const fresh = await tokens.issueAccessToken(account, 'shelly-diy');
    expect(await tokens.checkAccess(fresh)).toMatchObject({ ok: true, userId: 6550 });
  });

  it('does not take a code, or a JWT signed by anyone else, for an access token', async () => {
    const code = await tokens.issueCode(account, 'shelly-diy');
    const forged = await new SignJWT({ user_id: '6550', from: 'shelly-diy', n: 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(now / 1000 + 60)
      .sign(new Uint8Array(32));

    expect(await tokens.checkAccess(code)).toEqual({ ok: false, reason: 'invalid' });
    expect(await tokens.checkAccess(forged)).toEqual({ ok: false, reason: 'invalid' });
    expect(await tokens.checkAccess('not-a-jwt')).toEqual({ ok: false, reason: 'invalid' });
    expect(await tokens.checkAccess(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(await tokens.checkCode(forged)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('tells a renewal by code from the code’s first exchange', async () => {
    const first = await tokens.checkCode(await tokens.issueCode(account, 'shelly-diy'));
    if (!first.ok) throw new Error('the code was refused');

    expect(tokens.markExchanged(first.codeId)).toBe(false);
    expect(tokens.markExchanged(first.codeId)).toBe(true);
  });
});
