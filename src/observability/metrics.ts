import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const prefix = 'shelly_ingest_';

const misnamedDefaultMetrics = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * Every metric the service exports, in one place: the catalog in docs/operations.md, the Grafana
 * dashboard and the alert rules are written against these names. Label values never carry secrets or device ids.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly framesReceived = new Counter({
    name: `${prefix}frames_received_total`,
    help: 'Frames read from Shelly cloud sockets, by host and frame event.',
    labelNames: ['host', 'event'] as const,
    registers: [this.registry],
  });

  readonly eventsPublished = new Counter({
    name: `${prefix}events_published_total`,
    help: 'Events acknowledged by Kafka, by topic.',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  readonly framesDeadLettered = new Counter({
    name: `${prefix}frames_dead_lettered_total`,
    help: 'Frames sent to the dead-letter topic, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly framesDropped = new Counter({
    name: `${prefix}frames_dropped_total`,
    help: 'Well-formed frames not published on purpose, by policy reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly responsesReceived = new Counter({
    name: `${prefix}responses_received_total`,
    help: 'Command, RPC and action responses and Error frames read from the sockets; they go to command correlation, not to a topic.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  /** What each sampled gauge reads at a scrape; see `sample`. */
  private readonly samplers = new Map<Gauge, () => number>();

  readonly bufferEvents = this.sampledGauge({
    name: `${prefix}buffer_events`,
    help: 'Events waiting in memory for Kafka.',
  });

  readonly bufferBytes = this.sampledGauge({
    name: `${prefix}buffer_bytes`,
    help: 'Bytes of the events waiting in memory for Kafka, as Kafka records.',
  });

  readonly bufferCapacity = new Gauge({
    name: `${prefix}buffer_capacity_bytes`,
    help: 'Bytes of events the buffer holds before the sockets are paused (INGEST_BUFFER_MAX_BYTES).',
    registers: [this.registry],
  });

  readonly backpressurePauses = new Counter({
    name: `${prefix}publish_backpressure_pauses_total`,
    help: 'Times the buffer reached its capacity and paused reading from the sockets.',
    registers: [this.registry],
  });

  readonly backpressureSeconds = new Counter({
    name: `${prefix}publish_backpressure_seconds_total`,
    help: 'Time reading from the sockets was paused by a full buffer; a pause still going on counts at least once a minute.',
    registers: [this.registry],
  });

  readonly publishDuration = new Histogram({
    name: `${prefix}publish_duration_seconds`,
    help: 'Time from sending a batch to Kafka to its acknowledgement by all in-sync replicas.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly eventLatency = new Histogram({
    name: `${prefix}event_latency_seconds`,
    help: 'Time from reading a frame off its socket to Kafka acknowledging its event.',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly publishErrors = new Counter({
    name: `${prefix}publish_errors_total`,
    help: 'Batches Kafka did not acknowledge; they are retried.',
    registers: [this.registry],
  });

  readonly recordsParked = new Counter({
    name: `${prefix}records_parked_total`,
    help: 'Records Kafka refused for good, written to the parking topic instead, by origin (buffer, outbox) and reason.',
    labelNames: ['origin', 'reason'] as const,
    registers: [this.registry],
  });

  readonly recordsDropped = new Counter({
    name: `${prefix}records_dropped_total`,
    help: 'Records Kafka refused for good whose parked copy it refused too: lost, by origin (buffer, outbox) and reason.',
    labelNames: ['origin', 'reason'] as const,
    registers: [this.registry],
  });

  readonly outboxDepth = new Gauge({
    name: `${prefix}outbox_depth`,
    help: 'Events in the transactional outbox waiting for Kafka.',
    registers: [this.registry],
  });

  readonly outboxOldestAge = new Gauge({
    name: `${prefix}outbox_oldest_age_seconds`,
    help: 'Age of the oldest event in the transactional outbox; 0 when it is empty.',
    registers: [this.registry],
  });

  readonly sessionUp = new Gauge({
    name: `${prefix}session_up`,
    help: '1 while the socket to a host that holds consented devices is open, else 0.',
    labelNames: ['host'] as const,
    registers: [this.registry],
  });

  readonly sessionReconnects = new Counter({
    name: `${prefix}session_reconnects_total`,
    help: 'Connection attempts after the first one, by host.',
    labelNames: ['host'] as const,
    registers: [this.registry],
  });

  readonly accountSessions = new Gauge({
    name: `${prefix}account_sessions`,
    help: 'Sessions of linked accounts this replica holds, by state: up (socket open) or down.',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly accountSessionReconnects = new Counter({
    name: `${prefix}account_session_reconnects_total`,
    help: "Connection attempts of linked accounts' sessions after the first one of each.",
    registers: [this.registry],
  });

  readonly sessionKeysOwned = new Gauge({
    name: `${prefix}session_keys_owned`,
    help: 'Session keys (integrator hosts and linked accounts) whose lease this replica holds.',
    registers: [this.registry],
  });

  readonly sessionKeysWithoutOwner = new Gauge({
    name: `${prefix}session_keys_without_owner`,
    help: 'Session keys that should have a session but have no live lease, at this replica’s last lease round.',
    registers: [this.registry],
  });

  readonly sessionLeasesAcquired = new Counter({
    name: `${prefix}session_leases_acquired_total`,
    help: 'Leases this replica took, by how: `free` (no holder) or `takeover` (the holder let it expire).',
    labelNames: ['how'] as const,
    registers: [this.registry],
  });

  readonly sessionLeasesReleased = new Counter({
    name: `${prefix}session_leases_released_total`,
    help: 'Leases this replica gave up, by why: `handoff` (over its share), `unwanted`, `shutdown` or `fenced` (not renewed in time).',
    labelNames: ['why'] as const,
    registers: [this.registry],
  });

  readonly sessionLeaseRound = new Histogram({
    name: `${prefix}session_lease_round_seconds`,
    help: 'Time of one lease round against the database: heartbeat, renewal and the count of replicas.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly deviceStateFeedRecords = new Counter({
    name: `${prefix}device_state_feed_records_total`,
    help: 'Latest-state records read back from the device-state topics, by what they did to this replica’s device state.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly deviceStateFeedLag = new Gauge({
    name: `${prefix}device_state_feed_lag_records`,
    help: 'Latest-state records on the device-state topics this replica has not read yet.',
    registers: [this.registry],
  });

  readonly deviceStateFeedCaughtUp = new Gauge({
    name: `${prefix}device_state_feed_caught_up`,
    help: '1 once this replica has read the device-state topics to where they ended when its reader started.',
    registers: [this.registry],
  });

  readonly resyncVerifiesSent = new Counter({
    name: `${prefix}resync_verifies_sent_total`,
    help: 'DeviceVerify requests sent by resyncs, by host.',
    labelNames: ['host'] as const,
    registers: [this.registry],
  });

  readonly resyncVerifyOutcomes = new Counter({
    name: `${prefix}resync_verify_outcomes_total`,
    help: 'How resync DeviceVerify requests ended, by host and result (the answer, or unanswered).',
    labelNames: ['host', 'result'] as const,
    registers: [this.registry],
  });

  readonly resyncDevicesPending = this.sampledGauge({
    name: `${prefix}resync_devices_pending`,
    help: 'Devices whose resync DeviceVerify is queued, awaiting its answer or due for a retry; 0 once every resync is over.',
  });

  readonly tokenRenewals = new Counter({
    name: `${prefix}token_renewals_total`,
    help: 'Integrator token requests, by outcome (success, failure).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly cloudControlRequests = new Counter({
    name: `${prefix}cloud_control_requests_total`,
    help: 'Cloud Control HTTP requests of linked accounts, by endpoint and outcome (ok or the error kind); each attempt counts.',
    labelNames: ['endpoint', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly cloudControlRequestsPending = new Gauge({
    name: `${prefix}cloud_control_requests_pending`,
    help: 'Cloud Control requests accepted and not answered yet: waiting for their account’s turn, sent, or waiting for a retry.',
    registers: [this.registry],
  });

  readonly consentCallbacks = new Counter({
    name: `${prefix}consent_callbacks_total`,
    help: 'Consent callbacks handled, by outcome: the change (granted, scope_changed, updated, revoked, unchanged) or the error code.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly accounts = new Gauge({
    name: `${prefix}accounts`,
    help: 'Linked Shelly accounts, by status (active, relink_required), as of the last renewal pass.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly accountTokenRenewals = new Counter({
    name: `${prefix}account_token_renewals_total`,
    help: 'Access token renewals of linked accounts, by outcome: renewed, refused (the account needs a relink) or failed (retried).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly unauthenticatedRequests = new Counter({
    name: `${prefix}unauthenticated_requests_total`,
    help: 'Requests refused for their API key before anything was written, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly commands = new Counter({
    name: `${prefix}commands_total`,
    help: 'Control API command and RPC attempts, by command type (rpc for RPC calls) and outcome (ok, denied, refused, timeout, error).',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly commandDuration = new Histogram({
    name: `${prefix}command_duration_seconds`,
    help: 'Time from a command request reaching the API to its answer, for commands sent to Shelly.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly commandIdempotentReplays = new Counter({
    name: `${prefix}command_idempotent_replays_total`,
    help: 'Command requests answered with the kept answer of their Idempotency-Key, without sending again.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters, which `promtool check metrics` rejects; the same figures remain
    // per type in nodejs_active_handles, nodejs_active_requests and nodejs_active_resources.
    for (const name of misnamedDefaultMetrics) this.registry.removeSingleMetric(name);
  }

  /**
   * Has `gauge`, one of the sampled gauges, take the value of `read` at each scrape: for figures that
   * change on every event, where setting the gauge each time would cost more than the scrapes do.
   */
  sample(gauge: Gauge, read: () => number): void {
    this.samplers.set(gauge, read);
  }

  private sampledGauge(configuration: { name: string; help: string }): Gauge {
    const gauge: Gauge = new Gauge({
      ...configuration,
      registers: [this.registry],
      collect: () => {
        const read = this.samplers.get(gauge);
        if (read) gauge.set(read());
      },
    });
    return gauge;
  }
}
