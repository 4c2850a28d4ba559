import { DomainError } from '../common';
import { LinkStateSigner } from './link-state';

const pepper = 'pepper-0123456789abcdef0123456789abcdef';
const now = new Date('2026-12-02T10:00:00Z');
const inTenMinutes = new Date(now.getTime() + 600_000);

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return undefined;
}

describe('account link state', () => {
  const signer = new LinkStateSigner(pepper);

  it('gives back the partner, scope, nonce and expiry it was issued with', () => {
    const { state, nonce } = signer.issue('acme', 'control', inTenMinutes);
    expect(signer.verify(state, now)).toEqual({
      partnerId: 'acme',
      scope: 'control',
      nonce,
      expiresAt: inTenMinutes,
    });
  });

  it('survives being appended to a URL unencoded: only URL-safe characters', () => {
    const { state } = signer.issue('acme', 'read', inTenMinutes);
    expect(state).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('is refused as expired from its expiry on', () => {
    const { state } = signer.issue('acme', 'read', inTenMinutes);
    expect(
      codeOf(() => signer.verify(state, new Date(inTenMinutes.getTime() - 1))),
    ).toBeUndefined();
    expect(codeOf(() => signer.verify(state, inTenMinutes))).toBe('account_link_expired');
  });

  it("is refused when its content is swapped for another partner's or scope", () => {
    const { state } = signer.issue('acme', 'read', inTenMinutes);
    const [, signature] = state.split('.');
    const other = signer.issue('globex', 'control', inTenMinutes).state.split('.')[0];
    expect(codeOf(() => signer.verify(`${other}.${signature}`, now))).toBe('account_link_invalid');
  });

  it('is refused when signed with another pepper, altered, cut or padded', () => {
    const { state } = signer.issue('acme', 'read', inTenMinutes);
    const foreign = new LinkStateSigner('another-pepper-0123456789abcdef0123').issue(
      'acme',
      'read',
      inTenMinutes,
    ).state;
    for (const bad of [foreign, `${state}x`, state.split('.')[0], `${state}.extra`, '', 'a.b']) {
      expect(codeOf(() => signer.verify(bad, now))).toBe('account_link_invalid');
    }
  });

  it('gives every link a nonce of its own', () => {
    const nonces = new Set(
      Array.from({ length: 50 }, () => signer.issue('acme', 'read', inTenMinutes).nonce),
    );
    expect(nonces.size).toBe(50);
  });
});
