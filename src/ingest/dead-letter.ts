import { type EventSource, rejectReasons } from '../normalize';
import { jsonStringPrefix } from '../publish';

/**
 * Every reason a dead letter can carry: the normalizer's, and `frame_too_large` for a frame whose event
 * would exceed KAFKA_BATCH_MAX_BYTES, so that Kafka could never take it.
 */
export const deadLetterReasons = [...rejectReasons, 'frame_too_large'] as const;

export type DeadLetterReason = (typeof deadLetterReasons)[number];

/** What the dead-letter topic carries for a frame that could not become an event. */
export interface DeadLetter {
  type: 'dead-letter.v1';
  id: string;
  time: string;
  reason: DeadLetterReason;
  detail: string;
  source: EventSource;
  /** The frame as received, so it can be inspected and replayed; only its start when `truncated`. */
  raw: string;
  truncated: boolean;
}

/**
 * The dead letter of a frame, its JSON at most `maxBytes` long: what does not fit is cut off the end
 * of `raw`, and the letter says so.
 */
export function deadLetter(
  rejection: { reason: DeadLetterReason; detail: string },
  raw: string,
  meta: { id: string; receivedAt: Date; source: EventSource },
  maxBytes: number,
): DeadLetter {
  const letter: DeadLetter = {
    type: 'dead-letter.v1',
    id: meta.id,
    time: meta.receivedAt.toISOString(),
    reason: rejection.reason,
    detail: rejection.detail,
    source: meta.source,
    raw,
    truncated: false,
  };
  if (Buffer.byteLength(JSON.stringify(letter)) <= maxBytes) return letter;
  letter.raw = '';
  letter.truncated = true;
  letter.raw = jsonStringPrefix(raw, maxBytes - Buffer.byteLength(JSON.stringify(letter)));
  return letter;
}
