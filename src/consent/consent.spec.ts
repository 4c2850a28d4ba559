import { DomainError } from '../common/domain-error';
import { Consent, decideChange, parseConsentCallback, scopeFromAccessGroups } from './consent';

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
    expect(parseConsentCallback(body, 'acme')).toEqual({
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
    expect(() => parseConsentCallback(invalid, 'acme')).toThrow(
      expect.objectContaining({ code: 'invalid_body' }) as DomainError,
    );
  });
});

describe('consent change decision', () => {
  const add = parseConsentCallback(body, 'acme');
  const remove = parseConsentCallback({ ...body, action: 'remove' }, 'acme');

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
