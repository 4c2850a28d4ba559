import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { partnerId } from './partner';

export const apiKeyScopes = ['read', 'control', 'admin'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/** The body that creates a key (admin API). */
export const createKeyBody = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(apiKeyScopes)).min(1),
  partnerId: partnerId
    .meta({ description: 'The partner whose key it is: required, except for admin keys.' })
    .optional(),
  expiresAt: z.iso
    .datetime({ offset: true })
    .meta({ description: 'When the key stops working; it never expires when absent.' })
    .optional(),
});

/**
 * Admin keys are the operators': they belong to no partner and see every partner's data. Every other
 * key belongs to one partner and sees only that partner's. Answers what is wrong, if anything.
 */
export function keyOwnershipProblem(
  scopes: readonly ApiKeyScope[],
  partner: string | null,
): string | undefined {
  if (scopes.includes('admin')) {
    return partner === null ? undefined : 'partnerId: admin keys belong to no partner';
  }
  return partner === null ? 'partnerId: required for keys without the admin scope' : undefined;
}

/** `sik_<id>_<secret>`: the id finds the stored row, the secret proves possession. */
const keyPattern = /^sik_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface IssuedKey {
  id: string;
  plaintext: string;
  secretHash: string;
}

export function issueKey(pepper: string): IssuedKey {
  const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  return { id, plaintext: `sik_${id}_${secret}`, secretHash: hashSecret(secret, pepper) };
}

export function parseKey(plaintext: string): { id: string; secret: string } | undefined {
  const match = keyPattern.exec(plaintext);
  return match ? { id: match[1], secret: match[2] } : undefined;
}

export function hashSecret(secret: string, pepper: string): string {
  return createHmac('sha256', pepper).update(secret).digest('hex');
}

export function secretMatches(secret: string, storedHash: string, pepper: string): boolean {
  const given = Buffer.from(hashSecret(secret, pepper), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** `admin` may do everything; other scopes only what they name. */
export function grants(scopes: readonly ApiKeyScope[], needed: ApiKeyScope): boolean {
  return scopes.includes('admin') || scopes.includes(needed);
}
