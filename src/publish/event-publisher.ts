/** One record for Kafka. `type` and `id` travel as headers so consumers can route and de-duplicate without parsing. */
export interface OutgoingEvent {
  topic: string;
  key: string;
  type: string;
  id: string;
  value: string;
}

/**
 * Port: where events leave the service. The Kafka driver is the production implementation; the file
 * driver (`EVENT_SINK=file`) writes NDJSON for the demo and trials without a broker.
 */
export abstract class EventPublisher {
  /** The name of this driver's check in `/health/ready`. */
  abstract readonly healthCheckName: string;

  /** Resolves once every event is acknowledged by all in-sync replicas; rejects if any was not. */
  abstract publish(events: readonly OutgoingEvent[]): Promise<void>;

  /** `ok`, or a word for what is wrong (`disconnected`), for `/health/ready`. */
  abstract health(): Promise<string>;
}

/** The headers of every record, whichever driver writes it. */
export function recordHeaders(event: OutgoingEvent): Record<string, string> {
  return { 'content-type': 'application/json', 'event-type': event.type, 'event-id': event.id };
}

/** Bytes per record beyond key, value and header values: header names, lengths, offsets, timestamps. */
const RECORD_OVERHEAD_BYTES = 96;

/** What one event weighs in a Kafka request, near enough to keep requests under the broker's limit. */
export function recordBytes(event: OutgoingEvent): number {
  return (
    Buffer.byteLength(event.value) +
    Buffer.byteLength(event.key) +
    event.type.length +
    event.id.length +
    RECORD_OVERHEAD_BYTES
  );
}
