import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const prefix = 'shelly_ingest_';

/**
 * Every metric the service exports, in one place: the README catalog, the Grafana dashboard and the
 * alert rules are written against these names. Label values never carry secrets or device ids.
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
    help: 'Command and action responses read from the sockets; they go to command correlation, not to a topic.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly bufferEvents = new Gauge({
    name: `${prefix}buffer_events`,
    help: 'Events waiting in memory for Kafka.',
    registers: [this.registry],
  });

  readonly bufferCapacity = new Gauge({
    name: `${prefix}buffer_capacity_events`,
    help: 'Events the buffer holds before the sockets are paused.',
    registers: [this.registry],
  });

  readonly publishDuration = new Histogram({
    name: `${prefix}publish_duration_seconds`,
    help: 'Time from sending a batch to Kafka to its acknowledgement by all in-sync replicas.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly publishErrors = new Counter({
    name: `${prefix}publish_errors_total`,
    help: 'Batches Kafka did not acknowledge; they are retried.',
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

  readonly tokenRenewals = new Counter({
    name: `${prefix}token_renewals_total`,
    help: 'Integrator token requests, by outcome (success, failure).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
