import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { type AppConfig, InjectConfig } from '../config';
import { InjectRootLogger, Metrics } from '../observability';
import { EventPublisher, jsonStringPrefix, OutgoingEvent, recordHeaders } from './event-publisher';
import { eventSources } from './event-sources';
import { kafkaRefusal, type KafkaRefusal, type RefusalReason } from './kafka-refusal';

/**
 * A parked record keeps as much of the refused record's value as takes this much in its JSON: enough
 * to see what it was, and far below any broker's record limit, so that the parked record is accepted.
 */
export const PARKED_VALUE_MAX_BYTES = 8 * 1024;

/** Where a refused record came from: the publish buffer (device events, dead letters) or the outbox. */
export type ParkingOrigin = 'buffer' | 'outbox';

/** What the parking topic carries for a record Kafka refused for good. */
export interface ParkedRecord {
  type: 'parked.v1';
  id: string;
  time: string;
  /** The refused record's partner, as its `partner-id` header said. */
  partner: string | null;
  reason: RefusalReason;
  problem: string;
  record: {
    topic: string;
    key: string;
    headers: Record<string, string>;
    /** The value as text, only its start when `truncated` (then not JSON); null for a tombstone. */
    value: string | null;
    valueBytes: number;
    truncated: boolean;
  };
}

export function parkedRecord(
  event: OutgoingEvent,
  refusal: KafkaRefusal,
  meta: { id: string; time: Date; topic: string },
): OutgoingEvent {
  const whole = event.value;
  const value = whole === null ? null : jsonStringPrefix(whole, PARKED_VALUE_MAX_BYTES);
  const parked: ParkedRecord = {
    type: 'parked.v1',
    id: meta.id,
    time: meta.time.toISOString(),
    partner: event.partner,
    reason: refusal.reason,
    problem: refusal.problem,
    record: {
      topic: event.topic,
      key: event.key,
      headers: recordHeaders(event),
      value,
      valueBytes: whole === null ? 0 : Buffer.byteLength(whole),
      truncated: whole !== null && value!.length < whole.length,
    },
  };
  return {
    topic: meta.topic,
    key: event.key,
    type: parked.type,
    id: parked.id,
    source: eventSources.parking,
    time: parked.time,
    partner: event.partner,
    value: JSON.stringify(parked),
  };
}

/**
 * Publishes `events` in order. A batch Kafka refuses for good is split in halves, and each half
 * published in turn, until the record at fault is alone; that one goes to `refused`, everything
 * else to `published`, in their order. A transient error is thrown: what was published before it
 * has been handed to `published`, the rest is the caller's to retry.
 */
export async function publishIsolatingRefusals(
  publisher: EventPublisher,
  events: readonly OutgoingEvent[],
  published: (events: readonly OutgoingEvent[]) => void,
  refused: (event: OutgoingEvent, refusal: KafkaRefusal) => Promise<void>,
): Promise<void> {
  try {
    await publisher.publish(events);
  } catch (error) {
    const refusal = kafkaRefusal(error);
    if (!refusal) throw error;
    if (events.length === 1) return refused(events[0], refusal);
    const half = Math.ceil(events.length / 2);
    await publishIsolatingRefusals(publisher, events.slice(0, half), published, refused);
    await publishIsolatingRefusals(publisher, events.slice(half), published, refused);
    return;
  }
  published(events);
}

/** Moves records Kafka refused for good to the parking topic, so that the records behind them flow. */
@Injectable()
export class RecordParking {
  private readonly log: Logger;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly metrics: Metrics,
    @InjectConfig() private readonly config: AppConfig,
    @InjectRootLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'record-parking' });
  }

  /**
   * Writes a copy of `event` to the parking topic. If Kafka refuses that too, the record is dropped,
   * logged and counted; a transient failure is thrown, for the caller to retry.
   */
  async park(event: OutgoingEvent, refusal: KafkaRefusal, origin: ParkingOrigin): Promise<void> {
    const parked = parkedRecord(event, refusal, {
      id: randomUUID(),
      time: new Date(),
      topic: this.config.kafka.topics.parked,
    });
    const record = { topic: event.topic, key: event.key, eventId: event.id, origin };
    try {
      await this.publisher.publish([parked]);
    } catch (error) {
      const parkingRefusal = kafkaRefusal(error);
      if (!parkingRefusal) throw error;
      this.metrics.recordsDropped.inc({ origin, reason: refusal.reason });
      this.log.error(
        { ...record, reason: refusal.reason, parkingProblem: parkingRefusal.problem },
        'Kafka refused a record and its parked copy: the record is dropped',
      );
      return;
    }
    this.metrics.recordsParked.inc({ origin, reason: refusal.reason });
    this.log.warn(
      { ...record, reason: refusal.reason, problem: refusal.problem },
      'Kafka refused a record for good: it is parked',
    );
  }
}
