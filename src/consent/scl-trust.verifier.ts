import { createHash, KeyObject } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
import { cloudDeviceId, DomainError } from '../common';

export interface TrustVerification {
  algorithm: 'ES384';
  integratorTag: string;
  deviceId: string;
  /** `iat`, or for a token without one `exp` less Shelly's token lifetime. */
  issuedAt: string;
  expiresAt: string;
  /** SHA-256 of the token: a token counts for one callback only. */
  tokenHash: string;
}

export interface SclTrustVerifierOptions {
  publicKey: KeyObject;
  integratorTag: string;
  clockSkewSeconds: number;
  /** How old (by `iat`) a token may be, clock skew aside. */
  maxTokenAgeSeconds: number;
}

/** Shelly's tokens live 2 minutes (protocol 2.3). */
const TOKEN_LIFETIME_S = 120;

/**
 * Verifies the `SCL-Trust` JWT of a consent callback: ES384 only, whatever the token's header
 * claims; not expired beyond the allowed skew; not older than the allowed age nor issued in the
 * future (by `iat`, when present); issued for our integrator. The device it names is returned as
 * lowercase hex, for the caller to compare with the callback body.
 */
export class SclTrustVerifier {
  constructor(private readonly options: SclTrustVerifierOptions) {}

  async verify(token: string | undefined): Promise<TrustVerification> {
    if (!token) throw new DomainError('trust_header_missing', 'the SCL-Trust header is missing');
    let claims: Record<string, unknown>;
    try {
      const verified = await jwtVerify(token, this.options.publicKey, {
        algorithms: ['ES384'],
        clockTolerance: this.options.clockSkewSeconds,
        requiredClaims: ['exp'],
      });
      claims = verified.payload;
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new DomainError('trust_token_expired', 'the SCL-Trust token has expired');
      }
      throw new DomainError(
        'trust_token_invalid',
        'the SCL-Trust token is not a valid ES384 token signed by Shelly',
      );
    }
    if (claims.itg !== this.options.integratorTag) {
      throw new DomainError(
        'trust_wrong_integrator',
        'the SCL-Trust token was issued for another integrator',
      );
    }
    const nowS = Date.now() / 1000;
    const { clockSkewSeconds, maxTokenAgeSeconds } = this.options;
    const iat = claims.iat;
    if (iat !== undefined) {
      if (typeof iat !== 'number' || iat > nowS + clockSkewSeconds) {
        throw new DomainError('trust_token_invalid', 'the SCL-Trust token is issued in the future');
      }
      if (nowS - iat > maxTokenAgeSeconds + clockSkewSeconds) {
        throw new DomainError('trust_token_expired', 'the SCL-Trust token is too old');
      }
    }
    const exp = Number(claims.exp);
    const did = claims.did;
    const tokenDevice =
      typeof did === 'string' || typeof did === 'number' ? cloudDeviceId(String(did)) : undefined;
    if (tokenDevice === undefined) {
      throw new DomainError('trust_token_invalid', 'the SCL-Trust token names no valid device');
    }
    return {
      algorithm: 'ES384',
      integratorTag: this.options.integratorTag,
      deviceId: tokenDevice,
      issuedAt: new Date(
        (typeof iat === 'number' ? iat : exp - TOKEN_LIFETIME_S) * 1000,
      ).toISOString(),
      expiresAt: new Date(exp * 1000).toISOString(),
      tokenHash: createHash('sha256').update(token).digest('hex'),
    };
  }
}
