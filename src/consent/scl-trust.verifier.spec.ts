import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { SclTrustVerifier } from './scl-trust.verifier';

const keys = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const otherKeys = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const verifier = new SclTrustVerifier({
  publicKey: keys.publicKey,
  integratorTag: 'ITG_ACME',
  clockSkewSeconds: 30,
  maxTokenAgeSeconds: 120,
});
const now = () => Math.floor(Date.now() / 1000);

function token(
  claims: Record<string, unknown>,
  signer: { key: KeyObject | Uint8Array; alg: string } = { key: keys.privateKey, alg: 'ES384' },
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: signer.alg, typ: 'JWT' }).sign(signer.key);
}

describe('SCL-Trust verification', () => {
  it('accepts a fresh ES384 token for our integrator and returns its device as hex', async () => {
    const verified = await verifier.verify(
      await token({ itg: 'ITG_ACME', did: '224830197357980', exp: now() + 120 }),
    );
    expect(verified).toMatchObject({
      algorithm: 'ES384',
      integratorTag: 'ITG_ACME',
      deviceId: 'cc7b5c0c5d9c',
    });
  });

  it('dates a token by its iat, else by exp less the two minutes Shelly gives a token, and names it by its hash', async () => {
    const iat = now() - 5;
    const withIat = await token({ itg: 'ITG_ACME', did: '12133370', iat, exp: iat + 120 });
    const withoutIat = await token({ itg: 'ITG_ACME', did: '12133370', exp: iat + 120 });
    const [a, b] = [await verifier.verify(withIat), await verifier.verify(withoutIat)];
    expect(a.issuedAt).toBe(new Date(iat * 1000).toISOString());
    expect(b.issuedAt).toBe(a.issuedAt);
    expect(a.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.tokenHash).not.toBe(a.tokenHash);
  });

  it('accepts a token older than the age bound by less than the skew', async () => {
    await expect(
      verifier.verify(
        await token({ itg: 'ITG_ACME', did: '12133370', iat: now() - 140, exp: now() + 60 }),
      ),
    ).resolves.toMatchObject({ deviceId: 'b923fa' });
  });

  it('accepts a token expired by less than the allowed skew', async () => {
    await expect(
      verifier.verify(await token({ itg: 'ITG_ACME', did: '12133370', exp: now() - 10 })),
    ).resolves.toMatchObject({
      deviceId: 'b923fa',
    });
  });

  it.each<[string, () => Promise<string | undefined>, string]>([
    ['a missing header', () => Promise.resolve(undefined), 'trust_header_missing'],
    ['a token that is not a JWT', () => Promise.resolve('not-a-jwt'), 'trust_token_invalid'],
    [
      'a token expired beyond the skew',
      () => token({ itg: 'ITG_ACME', did: '12133370', exp: now() - 60 }),
      'trust_token_expired',
    ],
    [
      'a token older than the age bound and the skew, whatever its exp',
      () => token({ itg: 'ITG_ACME', did: '12133370', iat: now() - 160, exp: now() + 600 }),
      'trust_token_expired',
    ],
    [
      'a token issued in the future beyond the skew',
      () => token({ itg: 'ITG_ACME', did: '12133370', iat: now() + 40, exp: now() + 160 }),
      'trust_token_invalid',
    ],
    [
      'a token without exp',
      () => token({ itg: 'ITG_ACME', did: '12133370' }),
      'trust_token_invalid',
    ],
    [
      'a token signed by another key',
      () =>
        token(
          { itg: 'ITG_ACME', did: '12133370', exp: now() + 60 },
          { key: otherKeys.privateKey, alg: 'ES384' },
        ),
      'trust_token_invalid',
    ],
    [
      'a token signed with HS256 using the public key as secret',
      () =>
        token(
          { itg: 'ITG_ACME', did: '12133370', exp: now() + 60 },
          {
            key: new Uint8Array(keys.publicKey.export({ type: 'spki', format: 'der' })),
            alg: 'HS256',
          },
        ),
      'trust_token_invalid',
    ],
    [
      'a token signed with ES256',
      () =>
        token(
          { itg: 'ITG_ACME', did: '12133370', exp: now() + 60 },
          { key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, alg: 'ES256' },
        ),
      'trust_token_invalid',
    ],
    [
      'an unsigned token (alg none)',
      () =>
        Promise.resolve(
          `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
            JSON.stringify({ itg: 'ITG_ACME', did: '12133370', exp: now() + 60 }),
          ).toString('base64url')}.`,
        ),
      'trust_token_invalid',
    ],
    [
      'a token for another integrator',
      () => token({ itg: 'ITG_OTHER', did: '12133370', exp: now() + 60 }),
      'trust_wrong_integrator',
    ],
    [
      'a token naming no valid device',
      () => token({ itg: 'ITG_ACME', did: 'kitchen', exp: now() + 60 }),
      'trust_token_invalid',
    ],
  ])('refuses %s', async (_case, makeToken, code) => {
    await expect(verifier.verify(await makeToken())).rejects.toMatchObject({ code });
  });
});
