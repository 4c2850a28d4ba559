import { randomBytes, randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Account } from './accounts';

/**
 * The codes and access tokens of Shelly's OAuth flow, both HS256 JWTs a client decodes without
 * verifying (protocol 4.1, 4.2). A code: `{sub: <client id>, user_id, user_api_url, n, iat, jti}`;
 * an access token: `{sub: "pwd", user_id, sn, user_api_url, n, from: <client id>, iat, exp}`.
 * `n` is the account's token generation: revoking the account's tokens raises it, and every code
 * and token of an older generation stops working.
 */
export interface AccessGrant {
  userId: number;
  clientId: string;
}

export type CodeCheck =
  (AccessGrant & { ok: true; codeId: string }) | { ok: false; reason: 'invalid' | 'revoked' };

export type AccessCheck =
  | (AccessGrant & { ok: true })
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' | 'revoked' };

export class OAuthTokens {
  private readonly codeSecret = randomBytes(32);
  private readonly tokenSecret = randomBytes(32);
  private readonly generations = new Map<number, number>();
  private readonly exchangedCodes = new Set<string>();

  constructor(
    readonly lifetimeSeconds: number,
    private readonly clock: () => number,
  ) {}

  issueCode(account: Account, clientId: string): Promise<string> {
    return new SignJWT({
      user_id: String(account.userId),
      user_api_url: userApiUrl(account.host),
      n: this.generation(account.userId),
    })
      .setProtectedHeader({ typ: 'JWT', alg: 'HS256' })
      .setSubject(clientId)
      .setIssuedAt(this.seconds())
      .setJti(randomUUID())
      .sign(this.codeSecret);
  }

  issueAccessToken(account: Account, clientId: string): Promise<string> {
    const now = this.seconds();
    return new SignJWT({
      user_id: String(account.userId),
      sn: '1',
      user_api_url: userApiUrl(account.host),
      n: this.generation(account.userId),
      from: clientId,
    })
      .setProtectedHeader({ typ: 'JWT', alg: 'HS256' })
      .setSubject('pwd')
      .setIssuedAt(now)
      .setExpirationTime(now + this.lifetimeSeconds)
      .sign(this.tokenSecret);
  }

  async checkCode(code: string): Promise<CodeCheck> {
    try {
      const { payload } = await jwtVerify(code, this.codeSecret, { algorithms: ['HS256'] });
      const userId = Number(payload.user_id);
      if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string') {
        return { ok: false, reason: 'invalid' };
      }
      if (payload.n !== this.generation(userId)) return { ok: false, reason: 'revoked' };
      return {
        ok: true,
        userId,
        clientId: payload.sub,
        codeId: payload.jti,
      };
    } catch {
      return { ok: false, reason: 'invalid' };
    }
  }

  /** Whether this code was exchanged before: a second exchange is a renewal. */
  markExchanged(codeId: string): boolean {
    const before = this.exchangedCodes.has(codeId);
    this.exchangedCodes.add(codeId);
    return before;
  }

  /** `invalid` covers every token this simulator did not sign as an access token. */
  async checkAccess(token: string | null | undefined): Promise<AccessCheck> {
    if (!token) return { ok: false, reason: 'missing' };
    try {
      const { payload } = await jwtVerify(token, this.tokenSecret, {
        algorithms: ['HS256'],
        currentDate: new Date(this.clock()),
        requiredClaims: ['exp'],
      });
      return this.accessOf(payload);
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
      return { ok: false, reason: 'invalid' };
    }
  }

  /** Every code and access token of the account issued so far stops working. */
  revoke(userId: number): void {
    this.generations.set(userId, this.generation(userId) + 1);
  }

  private accessOf(payload: Record<string, unknown>): AccessCheck {
    const userId = Number(payload.user_id);
    if (typeof payload.from !== 'string') return { ok: false, reason: 'invalid' };
    if (payload.n !== this.generation(userId)) return { ok: false, reason: 'revoked' };
    return { ok: true, userId, clientId: payload.from };
  }

  private generation(userId: number): number {
    return this.generations.get(userId) ?? 0;
  }

  private seconds(): number {
    return Math.floor(this.clock() / 1000);
  }
}

/** The account's home server as codes and tokens name it. */
function userApiUrl(host: string): string {
  return `https://${host}`;
}
