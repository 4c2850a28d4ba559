import { randomBytes } from 'node:crypto';
import { TokenCipher } from './token-cipher';

const oldKey = { id: 'k2026a', key: randomBytes(32) };
const newKey = { id: 'k2026b', key: randomBytes(32) };
const token = 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiNjU1MCJ9.c2lnbmF0dXJl';

describe('token cipher', () => {
  it('opens what it sealed, and the sealed text shows neither the token nor any part of it', () => {
    const cipher = new TokenCipher([oldKey]);
    const sealed = cipher.seal(token, 'acc_1');
    expect(cipher.open(sealed, 'acc_1')).toBe(token);
    expect(sealed.startsWith('v1.k2026a.')).toBe(true);
    for (const part of token.split('.')) expect(sealed).not.toContain(part);
  });

  it('seals the same token differently each time', () => {
    const cipher = new TokenCipher([oldKey]);
    expect(cipher.seal(token, 'acc_1')).not.toBe(cipher.seal(token, 'acc_1'));
  });

  it('after a rotation seals with the new key and still opens what the old key sealed', () => {
    const sealedBefore = new TokenCipher([oldKey]).seal(token, 'acc_1');
    const rotated = new TokenCipher([newKey, oldKey]);
    expect(rotated.open(sealedBefore, 'acc_1')).toBe(token);
    const sealedAfter = rotated.seal(token, 'acc_1');
    expect(sealedAfter.startsWith('v1.k2026b.')).toBe(true);
    expect(new TokenCipher([newKey]).open(sealedAfter, 'acc_1')).toBe(token);
  });

  it('refuses a text sealed with a key no longer listed, naming only the key id', () => {
    const sealed = new TokenCipher([oldKey]).seal(token, 'acc_1');
    expect(() => new TokenCipher([newKey]).open(sealed, 'acc_1')).toThrow(
      'account token sealed with unknown key k2026a',
    );
  });

  it('refuses an altered ciphertext, tag or iv', () => {
    const cipher = new TokenCipher([oldKey]);
    const parts = cipher.seal(token, 'acc_1').split('.');
    for (const index of [2, 3, 4]) {
      const altered = [...parts];
      const bytes = Buffer.from(altered[index], 'base64url');
      bytes[0] ^= 1;
      altered[index] = bytes.toString('base64url');
      expect(() => cipher.open(altered.join('.'), 'acc_1')).toThrow();
    }
  });

  it("refuses another account's ciphertext copied onto this account", () => {
    const cipher = new TokenCipher([oldKey]);
    expect(() => cipher.open(cipher.seal(token, 'acc_1'), 'acc_2')).toThrow();
  });

  it('refuses a text that is not a sealed token', () => {
    const cipher = new TokenCipher([oldKey]);
    expect(() => cipher.open(token, 'acc_1')).toThrow('not a sealed account token');
  });
});
