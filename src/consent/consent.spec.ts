import { DomainError } from '../common/domain-error';
import {
  Consent,
  decideChange,
  decideTokenUse,
  parseConsentCallback,
  scopeFromAccessGroups,
} from './consent';

const body = {
  userId: 48213,
  deviceId: '224830197357980',
  deviceType: 'SHSW-25',
  deviceCode: 'SHSW-25',
  accessGroups: '01',
  action: 'add',
  host: 'Shelly-103-EU.shelly.cloud',
  name: ['Kitchen light', 'Hall light'],
};

function stored(overrides: Partial<Consent> = {}): Consent {
  return {
    deviceId: 'cc7b5c0c5d9c',
    ownerUserId: 48213,
    deviceType: 'SHSW-25',
    deviceCode: 'SHSW-25',
    scope: 'control',
    host: 'shelly-103-eu.shelly.cloud',
    channelNames: ['Kitchen light', 'Hall light'],
    partnerId: 'acme',
    grantedAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}

describe('consent scope from accessGroups', () => {
  it.each([
    ['01', 'control'],
    ['00', 'read'],
    ['03', 'control'],
    ['02', 'read'],
    ['ff', 'control'],
    [undefined, 'read'],
    ['', 'read'],
    ['zz', 'read'],
    ['0x01', 'read'],
  ])('reads %p as %s, failing closed', (groups, scope) => {
    expect(scopeFromAccessGroups(groups)).toBe(scope);
  });
});

describe('consent callback body', () => {
  it('normalizes the device id to lowercase hex and the host to lowercase', () => {
    expect(parseConsentCallback(body, 'acme', 'cc7b5c0c5d9c')).toEqual({
      action: 'add',
      deviceId: 'cc7b5c0c5d9c',
      ownerUserId: 48213,
      deviceType: 'SHSW-25',
      deviceCode: 'SHSW-25',
      scope: 'control',
      host: 'shelly-103-eu.shelly.cloud',
      channelNames: ['Kitchen light', 'Hall light'],
      partnerId: 'acme',
    });
  });

  it('accepts a numeric device id and a numeric-string user id', () => {
    const parsed = parseConsentCallback(
      { ...body, deviceId: 224830197357980, userId: '48213' },
      'acme',
      'cc7b5c0c5d9c',
    );
    expect(parsed).toMatchObject({ deviceId: 'cc7b5c0c5d9c', ownerUserId: 48213 });
  });

  it.each([
    ['no action', { ...body, action: undefined }],
    ['an unknown action', { ...body, action: 'pause' }],
    ['no host', { ...body, host: undefined }],
    ['a device id that is no id', { ...body, deviceId: 'kitchen' }],
    ['names that are not strings', { ...body, name: [1, 2] }],
    ['a body that is not an object', 'add'],
  ])('rejects %s as invalid_body', (_case, invalid) => {
    expect(() => parseConsentCallback(invalid, 'acme', 'cc7b5c0c5d9c')).toThrow(
      expect.objectContaining({ code: 'invalid_body' }) as DomainError,
    );
  });
});

describe('revoke callback body', () => {
  it.each([
    ['no host', { action: 'remove', deviceId: '224830197357980' }],
    ['a host of any kind', { ...body, action: 'remove', host: 'evil.example.com' }],
    ['no device id: the token names it', { action: 'remove' }],
    ['a malformed device id and user id', { action: 'remove', deviceId: 'x', userId: -1 }],
  ])('needs only the action, so it accepts a revoke with %s', (_case, revoke) => {
    expect(parseConsentCallback(revoke, 'acme', 'cc7b5c0c5d9c')).toEqual({
      action: 'remove',
      deviceId: 'cc7b5c0c5d9c',
      partnerId: 'acme',
    });
  });

  it('keeps the device a revoke names, for the caller to compare with the token', () => {
    expect(
      parseConsentCallback({ action: 'remove', deviceId: 12133370 }, 'acme', 'cc7b5c0c5d9c'),
    ).toMatchObject({ deviceId: 'b923fa' });
  });
});

describe('token use decision', () => {
  const issuedAt = new Date('2026-12-02T10:00:00Z');
  const token = { callbackHash: 'h1', issuedAt };

  it('accepts a token never seen, not older than the newest accepted for the device', () => {
    expect(decideTokenUse({ seenCallbackHash: null, newestIssuedAt: null }, token)).toBe('fresh');
    expect(decideTokenUse({ seenCallbackHash: null, newestIssuedAt: issuedAt }, token)).toBe(
      'fresh',
    );
  });

  it('knows an exact repeat of a callback with its token', () => {
    expect(decideTokenUse({ seenCallbackHash: 'h1', newestIssuedAt: issuedAt }, token)).toBe(
      'repeat',
    );
  });

  it('refuses a token that came with another callback', () => {
    expect(() =>
      decideTokenUse({ seenCallbackHash: 'h0', newestIssuedAt: issuedAt }, token),
    ).toThrow(expect.objectContaining({ code: 'trust_token_reused' }) as DomainError);
  });

  it('refuses a token older than the newest accepted for the device', () => {
    const newer = new Date(issuedAt.getTime() + 1000);
    expect(() => decideTokenUse({ seenCallbackHash: null, newestIssuedAt: newer }, token)).toThrow(
      expect.objectContaining({ code: 'trust_token_superseded' }) as DomainError,
    );
  });
});

describe('consent change decision', () => {
  const add = parseConsentCallback(body, 'acme', 'cc7b5c0c5d9c');
  const remove = parseConsentCallback({ ...body, action: 'remove' }, 'acme', 'cc7b5c0c5d9c');

  it('grants a device that had no consent', () => {
    expect(decideChange(null, add)).toBe('granted');
  });

  it('treats a repeated identical grant as no change', () => {
    expect(decideChange(stored(), add)).toBe('unchanged');
  });

  it('sees a scope change when access groups differ', () => {
    expect(decideChange(stored({ scope: 'read' }), add)).toBe('scope_changed');
  });

  it('sees an update when names or host change with the same scope', () => {
    expect(decideChange(stored({ channelNames: ['Old'] }), add)).toBe('updated');
    expect(decideChange(stored({ host: 'shelly-7-eu.shelly.cloud' }), add)).toBe('updated');
  });

  it('grants a device consented through another partner afresh to the partner of this callback', () => {
    expect(decideChange(stored({ partnerId: 'default' }), add)).toBe('granted');
  });

  it('revokes a device whichever partner link the revoke comes through', () => {
    expect(decideChange(stored({ partnerId: 'default' }), remove)).toBe('revoked');
  });

  it('revokes a consented device and ignores a revoke of an unknown one', () => {
    expect(decideChange(stored(), remove)).toBe('revoked');
    expect(decideChange(null, remove)).toBe('unchanged');
  });
});
