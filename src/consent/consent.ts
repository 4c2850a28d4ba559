import { z } from 'zod';
import { cloudDeviceId, DomainError, parseBody } from '../common';

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

/** A consent with the version of the change that made it; versions grow per device in commit order. */
export interface VersionedConsent {
  consent: Consent;
  version: number;
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

/** A grant or a change of it: everything the callback says about the device. */
export interface ConsentGrantCallback {
  action: 'add';
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

/** A revoke needs nothing but the device: the user's revoke is never refused for body details. */
export interface ConsentRevokeCallback {
  action: 'remove';
  deviceId: string;
  partnerId: string;
}

export type ConsentCallback = ConsentGrantCallback | ConsentRevokeCallback;

const actionSchema = z.looseObject({ action: z.enum(['add', 'remove']) });
const revokeDeviceSchema = z.looseObject({ deviceId: callbackBodySchema.shape.deviceId });

/**
 * Validates a consent callback body and brings it to our conventions (hex id, scope, lowercase
 * host); `partnerId` comes from the (verified) callback path, never from the body. For a revoke only
 * the action is required: the device is the token's (`tokenDeviceId`), and a body naming another
 * device is refused by the caller; any other field may be missing or malformed.
 */
export function parseConsentCallback(
  body: unknown,
  partnerId: string,
  tokenDeviceId: string,
): ConsentCallback {
  const { action } = parseBody(actionSchema, body);
  if (action === 'remove') {
    const named = revokeDeviceSchema.safeParse(body);
    const deviceId = named.success ? cloudDeviceId(String(named.data.deviceId)) : undefined;
    return { action, deviceId: deviceId ?? tokenDeviceId, partnerId };
  }
  const value = parseBody(callbackBodySchema, body);
  const deviceId = cloudDeviceId(String(value.deviceId));
  if (deviceId === undefined) {
    throw new DomainError('invalid_body', 'deviceId: not a Shelly device id');
  }
  return {
    action,
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

/** What the store knows of a token and of the device's tokens when a callback comes. */
export interface TokenRecord {
  /** The callback this very token came with before, if it came before. */
  seenCallbackHash: string | null;
  /** The newest token accepted for the device, while it has not expired. */
  newestIssuedAt: Date | null;
}

/**
 * Whether a verified token may carry this callback: a token counts for one callback only (an exact
 * repeat, as Shelly retries, is a `repeat`), and none older than the newest accepted for the
 * device, so an old `add` cannot undo a newer `remove`. Tokens issued in the same second are not
 * ordered (`iat` has seconds only): both are accepted.
 */
export function decideTokenUse(
  known: TokenRecord,
  token: { callbackHash: string; issuedAt: Date },
): 'fresh' | 'repeat' {
  if (known.seenCallbackHash !== null) {
    if (known.seenCallbackHash === token.callbackHash) return 'repeat';
    throw new DomainError(
      'trust_token_reused',
      'this SCL-Trust token came with another callback before; a token counts for one callback',
    );
  }
  if (known.newestIssuedAt && token.issuedAt.getTime() < known.newestIssuedAt.getTime()) {
    throw new DomainError(
      'trust_token_superseded',
      'a newer SCL-Trust token was accepted for this device; this older callback is stale',
    );
  }
  return 'fresh';
}
