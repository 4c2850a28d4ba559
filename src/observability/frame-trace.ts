import type { Attributes, Span } from '@opentelemetry/api';

/** How a record handed to Kafka ended: acknowledged, or refused for good and parked. */
export type RecordSettlement = 'published' | 'parked';

/**
 * The span of one sampled frame, from its read to the end of what became of it: its records
 * acknowledged by Kafka (`published`, or `dead_lettered` for the dead letter of a frame that could
 * not be used), or `dropped` on purpose, with the reason.
 */
export class FrameTrace {
  constructor(private readonly span: Span) {}

  /**
   * The frame became `count` records for Kafka; the span ends once each has been settled through
   * the function returned. One parked record makes the outcome `parked`.
   */
  publishing(
    outcome: 'published' | 'dead_lettered',
    count: number,
    attributes: Attributes,
  ): (settled: RecordSettlement) => void {
    this.span.setAttributes({ ...attributes, 'shelly.event.count': count });
    let pending = count;
    let parked = false;
    return (settled) => {
      if (settled === 'parked') parked = true;
      if (--pending === 0) this.end(parked ? 'parked' : outcome);
    };
  }

  /** Nothing was published of the frame, on purpose. */
  dropped(reason: string, attributes: Attributes = {}): void {
    this.span.setAttributes({ ...attributes, 'shelly.reason': reason });
    this.end('dropped');
  }

  private end(outcome: string): void {
    this.span.setAttribute('shelly.outcome', outcome);
    this.span.end();
  }
}
