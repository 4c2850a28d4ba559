import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { SimulatorError } from './simulator-error';

/**
 * The `SCL-Trust` header of consent callbacks: an ES384 JWT with `exp` (2 minutes), `iat`, `itg`
 * and `did`. The tampered variants each break exactly one rule a verifier must enforce.
 */
export const trustTampers = [
  'bad-signature',
  'expired',
  'wrong-itg',
  'mismatched-did',
  'other-algorithm',
  'no-header',
] as const;
export type TrustTamper = (typeof trustTampers)[number];

const TRUST_TOKEN_LIFETIME_S = 120;

export interface TrustSigner {
  privateKey: KeyObject;
  publicKeyPem: string;
}

export function createTrustSigner(privateKeyPem: string | undefined): TrustSigner {
  const privateKey = privateKeyPem
    ? createPrivateKey(privateKeyPem)
    : generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
  if (privateKey.asymmetricKeyDetails?.namedCurve !== 'secp384r1') {
    throw new SimulatorError('BAD_TRUST_KEY', 'the SCL-Trust key must be an EC P-384 private key');
  }
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' });
  return { privateKey, publicKeyPem: publicKeyPem.toString() };
}

/** Returns undefined for `no-header`: the callback is then sent without `SCL-Trust`. */
export async function signTrustToken(
  signer: TrustSigner,
  claims: { itg: string; did: string },
  now: number,
  tamper?: TrustTamper,
): Promise<string | undefined> {
  if (tamper === 'no-header') return undefined;
  const nowS = Math.floor(now / 1000);
  // Well past any clock slack a verifier may allow (Allterco's sample allows 30 s).
  const issuedAt = tamper === 'expired' ? nowS - 600 : nowS;
  const payload = {
    itg: tamper === 'wrong-itg' ? `${claims.itg}_OTHER` : claims.itg,
    did: tamper === 'mismatched-did' ? otherDeviceId(claims.did) : claims.did,
  };
  const jwt = new SignJWT(payload)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + TRUST_TOKEN_LIFETIME_S);
  if (tamper === 'other-algorithm') {
    // The classic algorithm-confusion forgery: HMAC keyed with the public key's PEM text.
    return jwt
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(signer.publicKeyPem));
  }
  const token = await jwt.setProtectedHeader({ alg: 'ES384', typ: 'JWT' }).sign(signer.privateKey);
  return tamper === 'bad-signature' ? corruptSignature(token) : token;
}

function otherDeviceId(did: string): string {
  return /^\d+$/.test(did) ? String(Number(did) + 1) : `${did}0`;
}

/** Flips bits in the middle of the signature, so it still decodes to the right length. */
function corruptSignature(token: string): string {
  const [header, payload, signature] = token.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  bytes[bytes.length >> 1] ^= 0xff;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}
