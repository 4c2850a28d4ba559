import { RateLimiter, replicaShare } from './rate-limiter';

describe('rate limiter (token bucket)', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000;
  });

  it('lets a burst through, then answers how long until the next token', () => {
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 3 }, clock);
    expect([limiter.take('k'), limiter.take('k'), limiter.take('k')]).toEqual([0, 0, 0]);
    expect(limiter.take('k')).toBeCloseTo(500);
    now += 250;
    expect(limiter.take('k')).toBeCloseTo(250);
    now += 250;
    expect(limiter.take('k')).toBe(0);
  });

  it('keeps a bucket per key', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1 }, clock);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
    expect(limiter.take('b')).toBe(0);
  });

  it('refills no higher than the burst', () => {
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 2 }, clock);
    limiter.take('k');
    now += 60_000;
    expect([limiter.take('k'), limiter.take('k')]).toEqual([0, 0]);
    expect(limiter.take('k')).toBeGreaterThan(0);
  });

  it('limits nothing at rate 0', () => {
    const limiter = new RateLimiter({ ratePerSecond: 0, burst: 1 }, clock);
    for (let i = 0; i < 100; i++) expect(limiter.take('k')).toBe(0);
  });

  it('forgets idle buckets, which then start full again', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1 }, clock);
    limiter.take('k');
    now += 120_000;
    expect(limiter.take('other')).toBe(0);
    expect(limiter.take('k')).toBe(0);
  });

  it('tells how long until a token is back without taking one', () => {
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 1 }, clock);
    expect(limiter.waitMs('k')).toBe(0);
    expect(limiter.take('k')).toBe(0);
    expect([limiter.waitMs('k'), limiter.waitMs('k')]).toEqual([500, 500]);
    now += 500;
    expect(limiter.waitMs('k')).toBe(0);
    expect(limiter.take('k')).toBe(0);
  });

  it('follows a limit that changes, cutting a fuller bucket down to a lowered burst', () => {
    let limit = { ratePerSecond: 1, burst: 4 };
    const limiter = new RateLimiter(() => limit, clock);
    expect(limiter.take('k')).toBe(0);
    limit = { ratePerSecond: 1, burst: 2 };
    expect([limiter.take('k'), limiter.take('k')]).toEqual([0, 0]);
    expect(limiter.take('k')).toBeCloseTo(1_000);
  });
});

describe('a replica’s share of a limit', () => {
  it('divides the rate and the burst by the live replicas', () => {
    expect(replicaShare({ ratePerSecond: 10, burst: 20 }, 4)).toEqual({
      ratePerSecond: 2.5,
      burst: 5,
    });
  });

  it('is the whole limit for a lone replica, or before any replica was counted', () => {
    expect(replicaShare({ ratePerSecond: 3, burst: 7 }, 1)).toEqual({ ratePerSecond: 3, burst: 7 });
    expect(replicaShare({ ratePerSecond: 3, burst: 7 }, 0)).toEqual({ ratePerSecond: 3, burst: 7 });
  });

  it('rounds the burst down, so that the replicas together never allow more than it', () => {
    const share = replicaShare({ ratePerSecond: 1, burst: 5 }, 3);
    expect(share.burst).toBe(1);
    expect(share.burst * 3).toBeLessThanOrEqual(5);
  });

  it('keeps at least one token of burst, so that no replica refuses everything', () => {
    expect(replicaShare({ ratePerSecond: 1, burst: 2 }, 5).burst).toBe(1);
  });

  it('leaves a limit that is off (rate 0) off', () => {
    expect(replicaShare({ ratePerSecond: 0, burst: 10 }, 3).ratePerSecond).toBe(0);
  });
});
