import { DomainError, type DomainErrorExtras, type ErrorCode } from '../common';
import { AuditDecision, AuditOutcome } from './command-audit';
import type { DeviceGrant } from './device-directory';

/** How an attempt ended short of success: the error for the caller, and the audit's view of it. */
export interface Failure {
  error: DomainError;
  decision: AuditDecision;
  outcome: Exclude<AuditOutcome, 'ok'>;
}

/** What the gate needs to know of the device beyond what grants it. */
export interface DeviceReach {
  /** The request can reach the device: its session is up, or another way is open to it. */
  reachable(grant: DeviceGrant): boolean;
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

/** What a request needs of what grants its device: undefined when it has it, else the refusal. */
export type Permission = (deviceId: string, grant: DeviceGrant) => Failure | undefined;

/** Commands need a consent or a linked account that grants control. */
export const commandPermission: Permission = (deviceId, grant) =>
  grant.scope === 'control'
    ? undefined
    : denied(
        'consent_read_only',
        `the owner of device ${deviceId} shared it read-only; it takes no commands`,
      );

/**
 * Whether a request may go to a device, in a fixed order with an answer of its own each: consent or
 * linked account held (404), it permits the request (commands: control, 403), the device reachable
 * (503), device not known to be offline (409). Passes the grant on when every check does.
 */
export function gateCommand(
  deviceId: string,
  grant: DeviceGrant | undefined,
  permission: Permission,
  reach: DeviceReach,
): DeviceGrant | Failure {
  if (!grant) return denied('device_not_found', `no consent is held for device ${deviceId}`);
  const refusal = permission(deviceId, grant);
  if (refusal) return refusal;
  if (!reach.reachable(grant)) {
    const session =
      grant.accountId === null
        ? `no session to ${grant.host}, the Shelly cloud host of device ${deviceId}, is up`
        : `the session of linked account ${grant.accountId}, which device ${deviceId} belongs to, is down`;
    return failed('host_session_down', session, 'error');
  }
  if (reach.online(deviceId) === false) {
    return failed('device_offline', `device ${deviceId} is offline`, 'refused');
  }
  return grant;
}

export function isFailure(value: object): value is Failure {
  return 'error' in value;
}
