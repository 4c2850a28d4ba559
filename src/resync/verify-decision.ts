import { type Consent, scopeFromAccessGroups, type UpstreamChange } from '../consent';
import { isJsonObject, type JsonObject } from '../normalize';
import type { ActionResponse } from '../shelly';

/** What one `DeviceVerify` answer means for a device whose consent is `consent`. */
export type VerifyDecision =
  | {
      kind: 'refresh';
      /** The device's status when it is online; absent: offline (protocol 2.7). */
      status?: JsonObject;
      /** The consent fields the answer contradicts, when it does. */
      change?: UpstreamChange;
    }
  | { kind: 'revoke' }
  | { kind: 'move'; host: string }
  | { kind: 'ignore'; problem: string };

/**
 * Shelly applies a grant, scope change or revoke only once the callback's 200 reaches it, and drops
 * it otherwise (protocol 2.5), so an answer given while a callback is still in flight holds the state
 * from before it. An answer that contradicts a consent changed less than `settleMs` ago is therefore
 * not applied but asked again: this returns how long until it may be (0: now).
 */
export function unsettledForMs(consent: Consent, now: number, settleMs: number): number {
  return Math.max(0, consent.updatedAt.getTime() + settleMs - now);
}

/** The `result` label of `resync_verify_outcomes_total`, from a closed set. */
export function resultLabel(response: ActionResponse): string {
  const known = ['OK', 'UNAUTHORIZED', 'WRONG_HOST', 'WRONG_API_PARAMETERS'];
  return known.includes(response.result) ? response.result.toLowerCase() : 'other';
}

/**
 * `OK` refreshes the device and states its scope and model; `UNAUTHORIZED` means Shelly no longer
 * holds the consent; `WRONG_HOST` names the host the device's account moved to, which must be one
 * the allowlist trusts, as a callback's must.
 */
export function decideVerification(
  consent: Consent,
  response: ActionResponse,
  hostAllowed: (host: string) => boolean,
): VerifyDecision {
  switch (response.result) {
    case 'OK':
      return refresh(consent, response);
    case 'UNAUTHORIZED':
      return { kind: 'revoke' };
    case 'WRONG_HOST': {
      const host = response.host?.toLowerCase();
      if (!host || host === consent.host) {
        return { kind: 'ignore', problem: 'WRONG_HOST without another host' };
      }
      if (!hostAllowed(host)) {
        return {
          kind: 'ignore',
          problem: `WRONG_HOST names ${host}, outside SHELLY_HOST_ALLOWLIST`,
        };
      }
      return { kind: 'move', host };
    }
    default:
      return { kind: 'ignore', problem: `the cloud answered ${response.result.slice(0, 64)}` };
  }
}

function refresh(consent: Consent, response: ActionResponse): VerifyDecision {
  const fields: Extract<UpstreamChange, { action: 'update' }>['fields'] = {};
  // Only an online device's answer carries the scope and model: absent, they are not contradicted.
  if (response.accessGroups !== undefined) {
    const scope = scopeFromAccessGroups(response.accessGroups);
    if (scope !== consent.scope) fields.scope = scope;
  }
  if (response.deviceType !== undefined && response.deviceType !== consent.deviceType) {
    fields.deviceType = response.deviceType;
  }
  if (response.deviceCode !== undefined && response.deviceCode !== consent.deviceCode) {
    fields.deviceCode = response.deviceCode;
  }
  const decision: VerifyDecision = { kind: 'refresh' };
  if (isJsonObject(response.deviceStatus)) decision.status = response.deviceStatus;
  if (Object.keys(fields).length > 0) decision.change = { action: 'update', fields };
  return decision;
}
