import { z } from 'zod';
import { DomainError, parseBody, toHexDeviceId } from '../common';

export type ConsentScope = 'read' | 'control';

export interface Consent {
  deviceId: string;
  ownerUserId: number;
  deviceType: string | null;
  deviceCode: string | null;
  scope: ConsentScope;
  host: string;
  channelNames: string[];
  /** The partner whose consent link the user followed. */
  partnerId: string;
  grantedAt: Date;
  updatedAt: Date;
}

export type ConsentChange = 'granted' | 'scope_changed' | 'updated' | 'revoked';

/** `accessGroups` is one hex byte; bit 0 grants control. Anything missing or unreadable is read-only. */
export function scopeFromAccessGroups(accessGroups: string | undefined): ConsentScope {
  if (accessGroups === undefined || !/^[0-9a-fA-F]{1,2}$/.test(accessGroups)) return 'read';
  return (parseInt(accessGroups, 16) & 1) === 1 ? 'control' : 'read';
}

export const callbackBodySchema = z.object({
  userId: z.union([
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    z.string().regex(/^\d{1,15}$/),
  ]),
  deviceId: z.union([z.string(), z.number().int().nonnegative()]),
  deviceType: z.string().max(64).optional(),
  deviceCode: z.string().max(64).optional(),
  accessGroups: z.string().max(8).optional(),
  action: z.enum(['add', 'remove']),
  host: z.string().max(253),
  name: z.array(z.string().max(200)).max(64).optional(),
});

export interface ConsentCallback {
  action: 'add' | 'remove';
  deviceId: string;
  ownerUserId: number;
  deviceType: string | null;
  deviceCode: string | null;
  scope: ConsentScope;
  host: string;
  channelNames: string[];
  /** The partner named by the callback path: the one whose link the user followed. */
  partnerId: string;
}

/**
 * Validates a consent callback body and brings it to our conventions (hex id, scope, lowercase
 * host); `partnerId` comes from the (verified) callback path, never from the body.
 */
export function parseConsentCallback(body: unknown, partnerId: string): ConsentCallback {
  const value = parseBody(callbackBodySchema, body);
  const deviceId = toHexDeviceId(String(value.deviceId));
  if (deviceId === undefined) {
    throw new DomainError('invalid_body', 'deviceId: not a Shelly device id');
  }
  return {
    action: value.action,
    deviceId,
    ownerUserId: Number(value.userId),
    deviceType: value.deviceType ?? null,
    deviceCode: value.deviceCode ?? null,
    scope: scopeFromAccessGroups(value.accessGroups),
    host: value.host.toLowerCase(),
    channelNames: value.name ?? [],
    partnerId,
  };
}

/**
 * What a callback changes, given the consent stored before it; repeats of a callback change nothing.
 * A device has one consent, for one partner: the user's grant through another partner's link moves
 * it there (`granted` for the new partner), and a revoke ends it whichever link it comes through,
 * since Shelly has then withdrawn the device from the integrator altogether.
 */
export function decideChange(
  existing: Consent | null,
  callback: ConsentCallback,
): ConsentChange | 'unchanged' {
  if (callback.action === 'remove') return existing ? 'revoked' : 'unchanged';
  if (!existing || existing.partnerId !== callback.partnerId) return 'granted';
  if (existing.scope !== callback.scope) return 'scope_changed';
  const same =
    existing.ownerUserId === callback.ownerUserId &&
    existing.host === callback.host &&
    existing.deviceType === callback.deviceType &&
    existing.deviceCode === callback.deviceCode &&
    existing.channelNames.join('\u0000') === callback.channelNames.join('\u0000');
  return same ? 'unchanged' : 'updated';
}
