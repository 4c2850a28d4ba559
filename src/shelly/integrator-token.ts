/** Lifetime Shelly documents for integrator tokens; assumed when a token carries no readable `exp`. */
const DOCUMENTED_LIFETIME_MS = 24 * 3600 * 1000;

export interface IntegratorToken {
  value: string;
  expiresAt: Date;
}

export type TokenAnswer = { ok: true; token: IntegratorToken } | { ok: false; problem: string };

/**
 * Reads the `get_access_token` answer `{isok, data}`. The token is opaque apart from its `exp`.
 * Problems never quote the body, which may echo credentials.
 */
export function readTokenAnswer(body: unknown, now: Date): TokenAnswer {
  if (typeof body !== 'object' || body === null) {
    return { ok: false, problem: 'the answer is not a JSON object' };
  }
  const { isok, data } = body as { isok?: unknown; data?: unknown };
  if (isok !== true) {
    return {
      ok: false,
      problem: 'the token endpoint refused the integrator tag or token (isok is not true)',
    };
  }
  if (typeof data !== 'string' || data.length === 0) {
    return { ok: false, problem: 'the answer has no token in `data`' };
  }
  return {
    ok: true,
    token: {
      value: data,
      expiresAt: jwtExpiry(data) ?? new Date(now.getTime() + DOCUMENTED_LIFETIME_MS),
    },
  };
}

function jwtExpiry(jwt: string): Date | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof exp === 'number' && Number.isFinite(exp) ? new Date(exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * When to fetch the next token: `renewBeforeMs` ahead of expiry, but never later than half-way
 * through a short-lived token's life, so a token is always renewed while it still works.
 */
export function renewalTime(token: IntegratorToken, fetchedAt: Date, renewBeforeMs: number): Date {
  const lifetime = token.expiresAt.getTime() - fetchedAt.getTime();
  return new Date(token.expiresAt.getTime() - Math.min(renewBeforeMs, lifetime / 2));
}
