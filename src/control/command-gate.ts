import { DomainError, type DomainErrorExtras, type ErrorCode } from '../common';
import type { Consent } from '../consent';
import { AuditDecision, AuditOutcome } from './command-audit';

/** How an attempt ended short of success: the error for the caller, and the audit's view of it. */
export interface Failure {
  error: DomainError;
  decision: AuditDecision;
  outcome: Exclude<AuditOutcome, 'ok'>;
}

/** What the gate needs to know of the device beyond its consent. */
export interface DeviceReach {
  /** A session to this Shelly cloud host is up. */
  hostConnected(host: string): boolean;
  /** `false` when the device is known to be offline, `null` when nothing is known. */
  online(deviceId: string): boolean | null;
}

export const denied = (code: ErrorCode, message: string, extras?: DomainErrorExtras): Failure => ({
  error: new DomainError(code, message, extras),
  decision: 'denied',
  outcome: 'denied',
});

export const failed = (
  code: ErrorCode,
  message: string,
  outcome: Failure['outcome'],
  extras?: DomainErrorExtras,
): Failure => ({ error: new DomainError(code, message, extras), decision: 'allowed', outcome });

export function rateLimited(who: string, waitMs: number): Failure {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return denied('rate_limited', `too many commands for ${who}; retry in ${seconds} s`, {
    retryAfterSeconds: seconds,
  });
}

/** What a request needs of the consent held for its device: undefined when it has it, else the refusal. */
export type Permission = (deviceId: string, consent: Consent) => Failure | undefined;

/** Commands need a consent that grants control. */
export const commandPermission: Permission = (deviceId, consent) =>
  consent.scope === 'control'
    ? undefined
    : denied(
        'consent_read_only',
        `the owner of device ${deviceId} shared it read-only; it takes no commands`,
      );

/**
 * Whether a request may go to a device, in a fixed order with an answer of its own each: consent held
 * (404), the consent permits it (commands: control, 403), session to the device's host up (503),
 * device not known to be offline (409). Passes the consent on when every check does.
 */
export function gateCommand(
  deviceId: string,
  consent: Consent | undefined,
  permission: Permission,
  reach: DeviceReach,
): Consent | Failure {
  if (!consent) return denied('device_not_found', `no consent is held for device ${deviceId}`);
  const refusal = permission(deviceId, consent);
  if (refusal) return refusal;
  if (!reach.hostConnected(consent.host)) {
    return failed(
      'host_session_down',
      `no session to ${consent.host}, the Shelly cloud host of device ${deviceId}, is up`,
      'error',
    );
  }
  if (reach.online(deviceId) === false) {
    return failed('device_offline', `device ${deviceId} is offline`, 'refused');
  }
  return consent;
}

export function isFailure(value: object): value is Failure {
  return 'error' in value;
}
