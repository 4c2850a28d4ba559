import type { Consent } from '../consent/consent';
import type { ActionResponse } from '../shelly/responses';
import { decideVerification, resultLabel, unsettledForMs } from './verify-decision';

const consent: Consent = {
  deviceId: 'cc7b5c0c5d9c',
  ownerUserId: 48213,
  deviceType: 'SHSW-25',
  deviceCode: 'SHSW-25',
  scope: 'control',
  host: 'shelly-103-eu.shelly.cloud',
  channelNames: [],
  partnerId: 'default',
  grantedAt: new Date(0),
  updatedAt: new Date(0),
};

const answer = (data: Partial<ActionResponse>): ActionResponse => ({
  kind: 'action-response',
  trid: 1,
  result: 'OK',
  deviceId: consent.deviceId,
  ...data,
});

const trusted = (host: string) => host.endsWith('.shelly.cloud');

describe('what a DeviceVerify answer changes', () => {
  it('refreshes an online device with its status and changes nothing it agrees with', () => {
    const status = { relays: [{ ison: true }] };
    const decision = decideVerification(
      consent,
      answer({
        deviceStatus: status,
        accessGroups: '01',
        deviceType: 'SHSW-25',
        deviceCode: 'SHSW-25',
      }),
      trusted,
    );
    expect(decision).toEqual({ kind: 'refresh', status });
  });

  it('refreshes a device answered without status as offline, its scope untouched', () => {
    expect(decideVerification(consent, answer({}), trusted)).toEqual({ kind: 'refresh' });
  });

  it('lowers the scope when the access groups lost the control bit', () => {
    const decision = decideVerification(
      consent,
      answer({ deviceStatus: {}, accessGroups: '00' }),
      trusted,
    );
    expect(decision).toEqual({
      kind: 'refresh',
      status: {},
      change: { action: 'update', fields: { scope: 'read' } },
    });
  });

  it('takes the model the cloud states', () => {
    const decision = decideVerification(
      { ...consent, deviceType: null, deviceCode: null },
      answer({ accessGroups: '01', deviceType: 'SHSW-25', deviceCode: 'SHSW-25' }),
      trusted,
    );
    expect(decision).toEqual({
      kind: 'refresh',
      change: { action: 'update', fields: { deviceType: 'SHSW-25', deviceCode: 'SHSW-25' } },
    });
  });

  it('revokes on UNAUTHORIZED', () => {
    expect(decideVerification(consent, answer({ result: 'UNAUTHORIZED' }), trusted)).toEqual({
      kind: 'revoke',
    });
  });

  it('moves the device to the host WRONG_HOST names, lowercased', () => {
    const decision = decideVerification(
      consent,
      answer({ result: 'WRONG_HOST', host: 'Shelly-77-EU.shelly.cloud' }),
      trusted,
    );
    expect(decision).toEqual({ kind: 'move', host: 'shelly-77-eu.shelly.cloud' });
  });

  it('does not move a device to a host outside the allowlist, nor without a host', () => {
    expect(
      decideVerification(consent, answer({ result: 'WRONG_HOST', host: 'evil.example' }), trusted)
        .kind,
    ).toBe('ignore');
    expect(decideVerification(consent, answer({ result: 'WRONG_HOST' }), trusted).kind).toBe(
      'ignore',
    );
  });

  it('ignores other results, and labels them from a closed set', () => {
    const odd = answer({ result: 'SOMETHING_NEW' });
    expect(decideVerification(consent, odd, trusted).kind).toBe('ignore');
    expect(resultLabel(odd)).toBe('other');
    expect(resultLabel(answer({ result: 'WRONG_HOST' }))).toBe('wrong_host');
  });
});

describe('when an answer may contradict a consent', () => {
  const changedAt = { ...consent, updatedAt: new Date(100_000) };

  it('waits out the settle time after the consent changed', () => {
    expect(unsettledForMs(changedAt, 100_000, 30_000)).toBe(30_000);
    expect(unsettledForMs(changedAt, 129_999, 30_000)).toBe(1);
  });

  it('lets an answer apply once the settle time has passed', () => {
    expect(unsettledForMs(changedAt, 130_000, 30_000)).toBe(0);
    expect(unsettledForMs(changedAt, 500_000, 30_000)).toBe(0);
  });
});
