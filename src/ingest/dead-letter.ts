import { type EventSource, rejectReasons } from '../normalize';

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
  /** The frame exactly as received, so it can be inspected and replayed. */
  raw: string;
}

export function deadLetter(
  rejection: { reason: DeadLetterReason; detail: string },
  raw: string,
  meta: { id: string; receivedAt: Date; source: EventSource },
): DeadLetter {
  return {
    type: 'dead-letter.v1',
    id: meta.id,
    time: meta.receivedAt.toISOString(),
    reason: rejection.reason,
    detail: rejection.detail,
    source: meta.source,
    raw,
  };
}
