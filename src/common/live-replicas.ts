import { type RateLimit, RateLimiter, replicaShare } from './rate-limiter';

/**
 * How many replicas of the service are alive, this one included. The per-client rate limits hold
 * across replicas without a shared counter: each replica enforces its share of them.
 */
export abstract class LiveReplicas {
  abstract count(): number;

  /** A limiter of this replica's share of `limit`, which follows the count as replicas come and go. */
  limiter(limit: RateLimit): RateLimiter {
    return new RateLimiter(() => replicaShare(limit, this.count()));
  }
}
