/**
 * One record for Kafka. `type`, `id` and `partner` (the body's) travel as headers so consumers can
 * route, de-duplicate and separate tenants without parsing.
 */
export interface OutgoingEvent {
  topic: string;
  key: string;
  type: string;
  id: string;
  /** Null for events of no partner: dead letters, commands of admin keys. */
  partner: string | null;
  /** Null: a tombstone, which ends the key's record on a compacted topic. */
  value: string | null;
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

/** The headers of every record, whichever driver writes it; `partner-id` only when it has a partner. */
export function recordHeaders(event: OutgoingEvent): Record<string, string> {
  return event.partner === null
    ? { 'content-type': 'application/json', 'event-type': event.type, 'event-id': event.id }
    : {
        'content-type': 'application/json',
        'event-type': event.type,
        'event-id': event.id,
        'partner-id': event.partner,
      };
}

/** Bytes per record beyond key, value and header values: header names, lengths, offsets, timestamps. */
const RECORD_OVERHEAD_BYTES = 96;

/** What one event weighs in a Kafka request, near enough to keep requests under the broker's limit. */
export function recordBytes(event: OutgoingEvent): number {
  return (
    (event.value === null ? 0 : Buffer.byteLength(event.value)) +
    Buffer.byteLength(event.key) +
    event.type.length +
    event.id.length +
    (event.partner?.length ?? 0) +
    RECORD_OVERHEAD_BYTES
  );
}

/**
 * The end (exclusive) of the batch that starts at `start`: as many events as fit in `maxEvents` and
 * `maxBytes`, and at least one, so that a record larger than `maxBytes` still leaves, alone.
 */
export function batchEnd(
  events: readonly OutgoingEvent[],
  start: number,
  maxEvents: number,
  maxBytes: number,
): number {
  let end = start;
  let bytes = 0;
  while (end < events.length && end - start < maxEvents) {
    bytes += recordBytes(events[end]);
    if (bytes > maxBytes && end > start) break;
    end++;
  }
  return end;
}

/**
 * The longest start of `text` that takes at most `maxBytes` in UTF-8 as a JSON string (escapes
 * counted, quotes not), never cutting a character.
 */
export function jsonStringPrefix(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    bytes += Buffer.byteLength(JSON.stringify(character)) - 2;
    if (bytes > maxBytes) break;
    end += character.length;
  }
  return text.slice(0, end);
}
