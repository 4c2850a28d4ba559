import type { ParsedFrame, RejectedFrame } from '../normalize';

/** Which socket read a frame: its session key (`session-key.ts`) and the Shelly host it is open to. */
export interface FrameOrigin {
  key: string;
  host: string;
}

/**
 * Where the sessions hand every frame that is not an answer to the service's own requests: device
 * events and anything unreadable. The ingest pipeline implements it.
 */
export abstract class FramePort {
  /** One frame as it was read: parsed, or rejected with the reason it cannot be used. */
  abstract accept(origin: FrameOrigin, text: string, frame: ParsedFrame | RejectedFrame): void;
  /** Backpressure: `true` when the sessions should stop reading, `false` when they may read again. */
  abstract onPressureChange(listener: (full: boolean) => void): void;
}

/**
 * Which session keys should be open. A key is what one socket to Shelly serves (`session-key.ts`):
 * an integrator host of the consent host set, or a linked account.
 */
export abstract class SessionKeySource {
  abstract keys(): string[];
  /**
   * Tells `listener` when a key should open (`present`) or close; returns the unsubscribe. For a
   * close, the listener answers once the key's socket has closed.
   */
  abstract onChange(listener: (key: string, present: boolean) => Promise<void> | void): () => void;
}
