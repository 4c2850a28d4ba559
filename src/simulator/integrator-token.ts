import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';

/**
 * The integrator JWT of `get_access_token`: header `{"typ":"JWT","alg":"HS384"}`, payload
 * `{exp, user_id: <tag>}`, signed with a secret only the simulator knows.
 */
export type TokenCheck =
  { ok: true; tag: string } | { ok: false; reason: 'missing' | 'invalid' | 'foreign' | 'expired' };

export class IntegratorTokens {
  constructor(
    private readonly secret: Uint8Array,
    private readonly lifetimeSeconds: number,
    private readonly knownTags: ReadonlySet<string>,
    private readonly clock: () => number,
  ) {}

  issue(tag: string): Promise<string> {
    return new SignJWT({ user_id: tag })
      .setProtectedHeader({ typ: 'JWT', alg: 'HS384' })
      .setExpirationTime(Math.floor(this.clock() / 1000) + this.lifetimeSeconds)
      .sign(this.secret);
  }

  async check(token: string | null | undefined): Promise<TokenCheck> {
    if (!token) return { ok: false, reason: 'missing' };
    try {
      if (decodeProtectedHeader(token).alg !== 'HS384') return { ok: false, reason: 'invalid' };
      const { payload } = await jwtVerify(token, this.secret, {
        algorithms: ['HS384'],
        currentDate: new Date(this.clock()),
        requiredClaims: ['exp'],
      });
      const tag = payload.user_id;
      if (typeof tag !== 'string' || !this.knownTags.has(tag)) {
        return { ok: false, reason: 'foreign' };
      }
      return { ok: true, tag };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
      return { ok: false, reason: 'invalid' };
    }
  }
}
