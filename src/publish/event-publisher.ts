/**
 * One record for Kafka, in the binary mode of the CloudEvents Kafka protocol binding: the value is
 * the event's JSON, and its CloudEvents attributes travel as `ce_*` headers (see `recordHeaders`), so
 * consumers can route, de-duplicate and separate tenants without parsing, with any CloudEvents SDK.
 * `type`, `id`, `time` and `partner` are the body's.
 */
export interface OutgoingEvent {
  topic: string;
  /** The record key: the device id, or what the topic is keyed by; also the CloudEvents `subject`. */
  key: string;
  type: string;
  id: string;
  /** The CloudEvents `source`: the input the event came through (see `event-sources.ts`). */
  source: string;
  /** The body's `time`, RFC 3339: when the service received the frame or made the change. */
  time: string;
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

/**
 * The headers of every record, whichever driver writes it: the CloudEvents attributes (`ce_subject`
 * is the key) and `content-type`, the binding's `datacontenttype`; `partner-id`, a plain header and
 * no CloudEvents attribute, only when the event has a partner. One literal shape each, so that the
 * drivers see the same two object shapes.
 */
export function recordHeaders(event: OutgoingEvent): Record<string, string> {
  return event.partner === null
    ? {
        ce_specversion: '1.0',
        ce_id: event.id,
        ce_source: event.source,
        ce_type: event.type,
        ce_subject: event.key,
        ce_time: event.time,
        'content-type': 'application/json',
      }
    : {
        ce_specversion: '1.0',
        ce_id: event.id,
        ce_source: event.source,
        ce_type: event.type,
        ce_subject: event.key,
        ce_time: event.time,
        'content-type': 'application/json',
        'partner-id': event.partner,
      };
}

/**
 * Bytes per record beyond key, value and the header values of the event: the header names and the
 * constant values (about 95 bytes), lengths, offsets, timestamps.
 */
const RECORD_OVERHEAD_BYTES = 128;

/** What one event weighs in a Kafka request, near enough to keep requests under the broker's limit. */
export function recordBytes(event: OutgoingEvent): number {
  return (
    (event.value === null ? 0 : Buffer.byteLength(event.value)) +
    // The key, and again as `ce_subject`.
    2 * Buffer.byteLength(event.key) +
    event.type.length +
    event.id.length +
    event.source.length +
    event.time.length +
    (event.partner?.length ?? 0) +
    RECORD_OVERHEAD_BYTES
  );
}

/**
 * The end (exclusive) of the batch that starts at `start`, given each event's `recordBytes`: as many
 * events as fit in `maxEvents` and `maxBytes`, and at least one, so that a record larger than
 * `maxBytes` still leaves, alone.
 */
export function batchEnd(
  sizes: readonly number[],
  start: number,
  maxEvents: number,
  maxBytes: number,
): number {
  let end = start;
  let bytes = 0;
  while (end < sizes.length && end - start < maxEvents) {
    bytes += sizes[end];
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
