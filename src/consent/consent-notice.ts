import { Consent } from './consent';

/** Postgres refuses a notification payload of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7999;

/**
 * What one consent change announces to every instance: the device, the version of the change and its
 * consent after the change (`null` once revoked), so that listeners update their cache without a
 * query. When that does not fit in a notification (long channel names), only the device and version
 * are named and listeners read the consent back.
 */
export interface ConsentNotice {
  deviceId: string;
  version: number;
  consent?: Consent | null;
}

export function writeConsentNotice(
  deviceId: string,
  consent: Consent | null,
  version: number,
): string {
  const full = JSON.stringify({ deviceId, version, consent } satisfies ConsentNotice);
  return Buffer.byteLength(full) <= MAX_PAYLOAD_BYTES
    ? full
    : JSON.stringify({ deviceId, version } satisfies ConsentNotice);
}

export function readConsentNotice(payload: string): ConsentNotice {
  const notice = JSON.parse(payload) as ConsentNotice;
  if (notice.consent) {
    notice.consent.grantedAt = new Date(notice.consent.grantedAt);
    notice.consent.updatedAt = new Date(notice.consent.updatedAt);
  }
  return notice;
}
