import { leaseTimes, planLeases } from './lease-plan';

const wanted = (...keys: string[]) => new Set(keys);

describe('a replica’s lease round', () => {
  it('takes free keys up to its share of the wanted ones', () => {
    expect(planLeases(['a'], wanted('a', 'b', 'c', 'd', 'e'), 2)).toEqual({
      release: [],
      acquire: 2,
    });
  });

  it('takes every key when it is the only replica', () => {
    expect(planLeases([], wanted('a', 'b', 'c'), 1)).toEqual({ release: [], acquire: 3 });
  });

  it('hands over what is over its share once another replica joined, keeping the first keys', () => {
    expect(planLeases(['d', 'a', 'c', 'b'], wanted('a', 'b', 'c', 'd'), 2)).toEqual({
      release: [
        { key: 'c', why: 'handoff' },
        { key: 'd', why: 'handoff' },
      ],
      acquire: 0,
    });
  });

  it('gives up keys no longer wanted, and they do not count toward its share', () => {
    expect(planLeases(['a', 'x'], wanted('a', 'b'), 1)).toEqual({
      release: [{ key: 'x', why: 'unwanted' }],
      acquire: 1,
    });
  });

  it('counts a replica count of zero as one, and takes nothing when nothing is wanted', () => {
    expect(planLeases([], wanted('a'), 0)).toEqual({ release: [], acquire: 1 });
    expect(planLeases([], wanted(), 3)).toEqual({ release: [], acquire: 0 });
  });
});

describe('lease times from SESSION_LEASE_TTL_MS', () => {
  it('let a dead holder’s key be taken within the TTL, and a cut-off holder stop before its lease ends', () => {
    const times = leaseTimes(15_000);
    expect(times).toEqual({ durationMs: 10_000, roundMs: 2_500, stopMarginMs: 3_000 });
    // Expiry, then at most one round of another replica.
    expect(times.durationMs + times.roundMs).toBeLessThanOrEqual(15_000);
  });
});
