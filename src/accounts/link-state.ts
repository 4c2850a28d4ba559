import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../common';

export const accountScopes = ['read', 'control'] as const;
export type AccountScope = (typeof accountScopes)[number];

/** What a link's `state` binds: who asked, for what access, once, until when. */
export interface LinkState {
  partnerId: string;
  scope: AccountScope;
  nonce: string;
  expiresAt: Date;
}

const payloadSchema = z.object({
  p: z.string().min(1),
  s: z.enum(accountScopes),
  n: z.string().min(16),
  e: z.number().int(),
});

/**
 * Signs and checks the `state` of account links. The key is derived from the API key pepper under a
 * label of its own, like the consent links' key. The state is two base64url parts joined by a dot,
 * so it survives Shelly appending it to the redirect URI without encoding it.
 */
export class LinkStateSigner {
  private readonly key: Buffer;

  constructor(pepper: string) {
    this.key = createHmac('sha256', pepper).update('shelly-ingest account link state').digest();
  }

  issue(partnerId: string, scope: AccountScope, expiresAt: Date): { state: string; nonce: string } {
    const nonce = randomBytes(18).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ p: partnerId, s: scope, n: nonce, e: expiresAt.getTime() }),
    ).toString('base64url');
    return { state: `${payload}.${this.signature(payload)}`, nonce };
  }

  /** The state's content once its signature and expiry hold; single use is the store's to enforce. */
  verify(state: string, now: Date): LinkState {
    const [payload, signature, ...rest] = state.split('.');
    const expected = Buffer.from(this.signature(payload));
    const given = Buffer.from(signature ?? '');
    if (rest.length > 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new DomainError('account_link_invalid', 'the state was not issued by this service');
    }
    const parsed = payloadSchema.safeParse(readJson(payload));
    if (!parsed.success) {
      throw new DomainError('account_link_invalid', 'the state was not issued by this service');
    }
    const { p, s, n, e } = parsed.data;
    if (e <= now.getTime()) {
      throw new DomainError('account_link_expired', 'the link has expired; ask for a new one');
    }
    return { partnerId: p, scope: s, nonce: n, expiresAt: new Date(e) };
  }

  private signature(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

function readJson(base64url: string): unknown {
  try {
    return JSON.parse(Buffer.from(base64url, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
