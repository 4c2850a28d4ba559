export interface RateLimit {
  /** Tokens added per second; 0 means no limit. */
  ratePerSecond: number;
  burst: number;
}

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
    const bucket = this.refilled(key) ?? { tokens: burst, at: this.now() };
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return this.msUntilToken(bucket);
  }

  /** Like `take`, but takes nothing: for limits on outcomes known only after the request. */
  waitMs(key: string): number {
    if (this.limit.ratePerSecond <= 0) return 0;
    const bucket = this.refilled(key);
    return bucket && bucket.tokens < 1 ? this.msUntilToken(bucket) : 0;
  }

  private refilled(key: string): Bucket | undefined {
    const now = this.now();
    if (now - this.lastSweep > SWEEP_INTERVAL_MS) this.sweep(now);
    const bucket = this.buckets.get(key);
    if (!bucket) return undefined;
    const { ratePerSecond, burst } = this.limit;
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * ratePerSecond) / 1000);
    bucket.at = now;
    return bucket;
  }

  private msUntilToken(bucket: Bucket): number {
    return ((1 - bucket.tokens) * 1000) / this.limit.ratePerSecond;
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
