/**
 * The CloudEvents `source` (`ce_source` header) of every record: the input of the service an event
 * came through, as a URN of the `shelly-ingest` namespace. A Shelly cloud session's is made from its
 * API kind and host (`sessionSource`); the others are constants. Consumers may filter and route on
 * it; with `ce_id` it names an event uniquely.
 */
export const eventSources = {
  /** Consent changes from a signed consent callback (`POST /v1/shelly/consent`). */
  consentCallback: 'urn:shelly-ingest:consent-callback',
  /** Command audit records, and the revoke of a device a partner unsubscribed through the API. */
  controlApi: 'urn:shelly-ingest:control-api',
  /** Parked records: envelopes the service makes of records Kafka refused for good. */
  parking: 'urn:shelly-ingest:parking',
  /** Linked Shelly accounts: linked, unlinked, or needing a relink after a refused renewal. */
  accounts: 'urn:shelly-ingest:accounts',
  /** Latest-state records and their tombstones, made from what the service learned of a device. */
  latestState: 'urn:shelly-ingest:latest-state',
} as const;

/**
 * The source of what a Shelly cloud session brought: device events, dead letters of its frames and
 * the consent changes its resync found, e.g. `urn:shelly-ingest:integrator:shelly-103-eu.shelly.cloud`.
 * Callers on a hot path keep the answer per host rather than build it per event.
 */
export function sessionSource(api: string, host: string): string {
  return `urn:shelly-ingest:${api}:${encodeURIComponent(host)}`;
}
