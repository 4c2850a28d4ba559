import type { ParsedFrame, RejectedFrame } from '../normalize';

/**
 * Where the sessions hand every frame that is not an answer to the service's own requests: device
 * events and anything unreadable. The ingest pipeline implements it.
 */
export abstract class FramePort {
  /** One frame as it was read: parsed, or rejected with the reason it cannot be used. */
  abstract accept(host: string, text: string, frame: ParsedFrame | RejectedFrame): void;
  /** Backpressure: `true` when the sessions should stop reading, `false` when they may read again. */
  abstract onPressureChange(listener: (full: boolean) => void): void;
}

/**
 * Which session keys should be open. A key is what one socket to Shelly serves: today an integrator
 * host of the consent host set, which consent implements.
 */
export abstract class SessionKeySource {
  abstract keys(): string[];
  /**
   * Tells `listener` when a key should open (`present`) or close; returns the unsubscribe. For a
   * close, the listener answers once the key's socket has closed.
   */
  abstract onChange(listener: (key: string, present: boolean) => Promise<void> | void): () => void;
}
