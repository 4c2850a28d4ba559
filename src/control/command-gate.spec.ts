import { DomainError } from '../common/domain-error';
import { commandPermission, DeviceReach, Failure, gateCommand, isFailure } from './command-gate';
import type { DeviceGrant } from './device-directory';

const consent: DeviceGrant = {
  deviceId: 'cc7b5c0c5d9c',
  ownerUserId: 48213,
  deviceType: 'SHSW-1',
  deviceCode: null,
  scope: 'control',
  host: 'shelly-103-eu.shelly.cloud',
  channelNames: [],
  partnerId: 'default',
  grantedAt: new Date(0),
  updatedAt: new Date(0),
  sessionKey: 'shelly-103-eu.shelly.cloud',
  accountId: null,
};

const reachable: DeviceReach = { reachable: () => true, online: () => true };

function refusal(result: DeviceGrant | Failure): [string, string, string] {
  if (!isFailure(result)) throw new Error('the gate let the command through');
  return [result.error.code, result.decision, result.outcome];
}

describe('the consent gate of device commands', () => {
  it('lets a command through to a controllable, connected device that is online or unknown', () => {
    expect(gateCommand(consent.deviceId, consent, commandPermission, reachable)).toBe(consent);
    expect(
      gateCommand(consent.deviceId, consent, commandPermission, {
        reachable: () => true,
        online: () => null,
      }),
    ).toBe(consent);
  });

  it('answers device_not_found when no consent is held, before asking anything else', () => {
    const reach: DeviceReach = {
      reachable: () => {
        throw new Error('asked for the session of a device without consent');
      },
      online: () => false,
    };
    expect(refusal(gateCommand(consent.deviceId, undefined, commandPermission, reach))).toEqual([
      'device_not_found',
      'denied',
      'denied',
    ]);
  });

  it('refuses a device shared read-only, even when its host is down', () => {
    const readOnly = { ...consent, scope: 'read' as const };
    const reach: DeviceReach = { reachable: () => false, online: () => false };
    expect(refusal(gateCommand(consent.deviceId, readOnly, commandPermission, reach))).toEqual([
      'consent_read_only',
      'denied',
      'denied',
    ]);
  });

  it('answers host_session_down for the session of the consent, before the online check', () => {
    const asked: string[] = [];
    const reach: DeviceReach = {
      reachable: (grant) => (asked.push(grant.sessionKey), false),
      online: () => false,
    };
    expect(refusal(gateCommand(consent.deviceId, consent, commandPermission, reach))).toEqual([
      'host_session_down',
      'allowed',
      'error',
    ]);
    expect(asked).toEqual(['shelly-103-eu.shelly.cloud']);
  });

  it('names the linked account when a device reached through one is out of reach', () => {
    const viaAccount: DeviceGrant = {
      ...consent,
      sessionKey: 'account:acc_1',
      accountId: 'acc_1',
    };
    const result = gateCommand(consent.deviceId, viaAccount, commandPermission, {
      reachable: () => false,
      online: () => true,
    });
    expect(refusal(result)).toEqual(['host_session_down', 'allowed', 'error']);
    expect((result as Failure).error.message).toContain('linked account acc_1');
  });

  it('refuses a device known to be offline, as Shelly would', () => {
    const result = gateCommand(consent.deviceId, consent, commandPermission, {
      reachable: () => true,
      online: (deviceId) => (deviceId === consent.deviceId ? false : true),
    });
    expect(refusal(result)).toEqual(['device_offline', 'allowed', 'refused']);
    expect((result as Failure).error).toBeInstanceOf(DomainError);
  });
});
