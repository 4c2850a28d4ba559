import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { NamedKey } from '../config';

const VERSION = 'v1';
const IV_BYTES = 12;

/**
 * Seals account tokens for the database with AES-256-GCM. The first key seals; every key opens what
 * it sealed, so a new key goes first and the old one stays listed until every row was sealed again
 * (each renewal does). The account id is the associated data: a ciphertext copied onto another row
 * does not open there.
 */
export class TokenCipher {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: readonly NamedKey[]) {
    if (keys.length === 0) throw new Error('a token cipher needs at least one key');
    this.byId = new Map(keys.map((entry) => [entry.id, entry.key]));
  }

  /** `v1.<key id>.<iv>.<ciphertext>.<tag>`, base64url parts. */
  seal(plaintext: string, accountId: string): string {
    const { id, key } = this.keys[0];
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(accountId));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, id, iv, sealed, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** Throws when the text is not a ciphertext of a listed key for this account, or was altered. */
  open(sealed: string, accountId: string): string {
    const [version, keyId, iv, data, tag, ...rest] = sealed.split('.');
    const key = this.byId.get(keyId);
    if (version !== VERSION || rest.length > 0 || tag === undefined) {
      throw new Error('not a sealed account token');
    }
    if (!key) throw new Error(`account token sealed with unknown key ${keyId}`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      .setAAD(Buffer.from(accountId))
      .setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(data, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}
