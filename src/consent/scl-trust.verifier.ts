import { KeyObject } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
import { DomainError, toHexDeviceId } from '../common';

export interface TrustVerification {
  algorithm: 'ES384';
  integratorTag: string;
  deviceId: string;
  expiresAt: string;
}

export interface SclTrustVerifierOptions {
  publicKey: KeyObject;
  integratorTag: string;
  clockSkewSeconds: number;
}

/**
 * Verifies the `SCL-Trust` JWT of a consent callback: ES384 only, whatever the token's header
 * claims; not expired beyond the allowed skew; issued for our integrator. The device it names is
 * returned as lowercase hex, for the caller to compare with the callback body.
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
    const did = claims.did;
    const tokenDevice =
      typeof did === 'string' || typeof did === 'number' ? toHexDeviceId(String(did)) : undefined;
    if (tokenDevice === undefined) {
      throw new DomainError('trust_token_invalid', 'the SCL-Trust token names no valid device');
    }
    return {
      algorithm: 'ES384',
      integratorTag: this.options.integratorTag,
      deviceId: tokenDevice,
      expiresAt: new Date(Number(claims.exp) * 1000).toISOString(),
    };
  }
}
