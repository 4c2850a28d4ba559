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
 * One replica's part of a limit that `replicas` replicas enforce together, each on its own: the rate
 * and the burst divided among them. The burst is rounded down, so that together they never allow
 * more than it, but never below one token, so that no replica refuses everything: with more
 * replicas than burst tokens, each keeps one.
 */
export function replicaShare(limit: RateLimit, replicas: number): RateLimit {
  const count = Math.max(1, Math.floor(replicas));
  return {
    ratePerSecond: limit.ratePerSecond / count,
    burst: Math.max(1, Math.floor(limit.burst / count)),
  };
}

/**
 * Token buckets by key: each holds up to `burst` tokens and refills at `ratePerSecond`; a request
 * takes one token. `take` answers 0 when allowed, else the milliseconds until a token is back. A rate
 * of 0 turns the limit off. A limit given as a function is read at every request, so it may change
 * (a replica's share, as replicas come and go): a bucket over a lowered burst is cut down to it.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly limit: () => RateLimit;
  private lastSweep: number;

  constructor(
    limit: RateLimit | (() => RateLimit),
    private readonly now: () => number = () => performance.now(),
  ) {
    this.limit = typeof limit === 'function' ? limit : () => limit;
    this.lastSweep = now();
  }

  take(key: string): number {
    const limit = this.limit();
    if (limit.ratePerSecond <= 0) return 0;
    const bucket = this.refilled(key, limit) ?? { tokens: limit.burst, at: this.now() };
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return msUntilToken(bucket, limit);
  }

  /** Like `take`, but takes nothing: for limits on outcomes known only after the request. */
  waitMs(key: string): number {
    const limit = this.limit();
    if (limit.ratePerSecond <= 0) return 0;
    const bucket = this.refilled(key, limit);
    return bucket && bucket.tokens < 1 ? msUntilToken(bucket, limit) : 0;
  }

  private refilled(key: string, limit: RateLimit): Bucket | undefined {
    const now = this.now();
    if (now - this.lastSweep > SWEEP_INTERVAL_MS) this.sweep(now, limit);
    const bucket = this.buckets.get(key);
    if (!bucket) return undefined;
    bucket.tokens = Math.min(
      limit.burst,
      bucket.tokens + ((now - bucket.at) * limit.ratePerSecond) / 1000,
    );
    bucket.at = now;
    return bucket;
  }

  private sweep(now: number, { ratePerSecond, burst }: RateLimit): void {
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) * ratePerSecond) / 1000 >= burst)
        this.buckets.delete(key);
    }
  }
}

function msUntilToken(bucket: Bucket, limit: RateLimit): number {
  return ((1 - bucket.tokens) * 1000) / limit.ratePerSecond;
}
