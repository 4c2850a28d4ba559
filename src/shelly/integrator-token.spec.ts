import { readTokenAnswer, renewalTime } from './integrator-token';

function jwtWith(payload: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ typ: 'JWT', alg: 'HS384' })}.${encode(payload)}.c2lnbmF0dXJl`;
}

describe('integrator token answer', () => {
  const now = new Date('2026-11-26T10:00:00Z');

  it('takes the expiry from the JWT exp claim', () => {
    const value = jwtWith({ exp: 1795000000, user_id: 'ITG_ACME' });
    expect(readTokenAnswer({ isok: true, data: value }, now)).toEqual({
      ok: true,
      token: { value, expiresAt: new Date(1795000000 * 1000) },
    });
  });

  it('assumes the documented 24 hours when the token has no readable exp', () => {
    const answer = readTokenAnswer({ isok: true, data: 'opaque-token' }, now);
    expect(answer).toEqual({
      ok: true,
      token: { value: 'opaque-token', expiresAt: new Date('2026-11-27T10:00:00Z') },
    });
  });

  it('reports refused credentials without quoting the answer', () => {
    const answer = readTokenAnswer(
      { isok: false, errors: { wrong_credentials: 'secret-echo' } },
      now,
    );
    expect(answer.ok).toBe(false);
    expect(JSON.stringify(answer)).not.toContain('secret-echo');
  });

  it.each([null, 'text', { isok: true }, { isok: true, data: '' }, { isok: true, data: 5 }])(
    'refuses an answer without a token: %j',
    (body) => {
      expect(readTokenAnswer(body, now).ok).toBe(false);
    },
  );
});

describe('token renewal time', () => {
  const fetchedAt = new Date('2026-11-26T10:00:00Z');

  it('renews the configured time ahead of expiry', () => {
    const token = { value: 't', expiresAt: new Date('2026-11-27T10:00:00Z') };
    expect(renewalTime(token, fetchedAt, 3600_000)).toEqual(new Date('2026-11-27T09:00:00Z'));
  });

  it('renews a short-lived token half-way through its life', () => {
    const token = { value: 't', expiresAt: new Date('2026-11-26T10:00:10Z') };
    expect(renewalTime(token, fetchedAt, 3600_000)).toEqual(new Date('2026-11-26T10:00:05Z'));
  });
});
