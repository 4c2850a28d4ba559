import type { RateLimit } from '../config';

interface Bucket {
  tokens: number;
  at: number;
}

/** Idle buckets are forgotten this often, so that keys and devices seen once do not pile up. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Token buckets by key: each holds up to `burst` tokens and refills at `ratePerSecond`; a request
 * takes one token. `take` answers 0 when allowed, else the milliseconds until a token is back. A rate
 * of 0 turns the limit off.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastSweep = now();
  }

  take(key: string): number {
    const { ratePerSecond, burst } = this.limit;
    if (ratePerSecond <= 0) return 0;
    const now = this.now();
    if (now - this.lastSweep > SWEEP_INTERVAL_MS) this.sweep(now);
    const bucket = this.buckets.get(key);
    if (!bucket) {
      this.buckets.set(key, { tokens: burst - 1, at: now });
      return 0;
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * ratePerSecond) / 1000);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return ((1 - bucket.tokens) * 1000) / ratePerSecond;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    const { ratePerSecond, burst } = this.limit;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) * ratePerSecond) / 1000 >= burst)
        this.buckets.delete(key);
    }
  }
}
