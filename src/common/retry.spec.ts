import { backoffDelay } from './retry';

describe('backoff delay', () => {
  const policy = { minMs: 1000, maxMs: 60000, jitter: 0.1 };

  it('doubles from the minimum on each attempt', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, policy, () => 0.5))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
  });

  it('never goes beyond the cap, however many attempts failed', () => {
    expect(backoffDelay(7, policy, () => 0.5)).toBe(60000);
    expect(backoffDelay(5000, policy, () => 0.5)).toBe(60000);
  });

  it('moves the delay by at most the jitter share either way', () => {
    expect(backoffDelay(2, policy, () => 0)).toBe(3600);
    expect(backoffDelay(2, policy, () => 0.999999)).toBe(4400);
  });

  it('keeps the exact doubling when the policy has no jitter', () => {
    expect(backoffDelay(2, { ...policy, jitter: 0 }, () => 0)).toBe(4000);
  });
});
