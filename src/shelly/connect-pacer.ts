import { sleep } from '../common';

/**
 * Spreads connects over time at `perSecond`, in the order they ask: each caller gets the next free
 * slot. A caller that gives up (its signal aborted) leaves its slot unused.
 */
export class ConnectPacer {
  private nextSlot = Number.NEGATIVE_INFINITY;
  private readonly spacingMs: number;

  constructor(
    perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.spacingMs = 1000 / perSecond;
  }

  /** How long the caller waits for its slot, which is then taken. */
  take(): number {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.spacingMs;
    return slot - now;
  }

  async wait(signal: AbortSignal): Promise<void> {
    const delay = this.take();
    if (delay > 0) await sleep(delay, signal);
  }
}
