import { Consent, ConsentChange, ConsentScope } from './consent';

export interface ConsentEvent {
  type: `consent.${ConsentChange}.v1`;
  id: string;
  time: string;
  /** The partner the change concerns. */
  partner: string;
  device: { id: string; type: string | null; code: string | null };
  owner: number;
  scope: ConsentScope | null;
  previousScope: ConsentScope | null;
  host: string;
  names: string[];
}

/**
 * The consent-topic event announcing a change; `after` is null when consent was revoked. It concerns
 * the partner of `after`, or of `before` for a revoke.
 */
export function consentEvent(
  change: ConsentChange,
  before: Consent | null,
  after: Consent | null,
  meta: { id: string; time: Date },
): ConsentEvent {
  const current = (after ?? before) as Consent;
  return {
    type: `consent.${change}.v1`,
    id: meta.id,
    time: meta.time.toISOString(),
    partner: current.partnerId,
    device: { id: current.deviceId, type: current.deviceType, code: current.deviceCode },
    owner: current.ownerUserId,
    scope: after?.scope ?? null,
    previousScope: before?.scope ?? null,
    host: current.host,
    names: current.channelNames,
  };
}
