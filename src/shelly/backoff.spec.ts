import { backoffDelay } from './backoff';

describe('reconnect backoff', () => {
  const policy = { minMs: 1000, maxMs: 60000 };

  it('doubles from the minimum on each attempt', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, policy, () => 0.5))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
  });

  it('never goes beyond the cap, however many attempts failed', () => {
    expect(backoffDelay(7, policy, () => 0.5)).toBe(60000);
    expect(backoffDelay(5000, policy, () => 0.5)).toBe(60000);
  });

  it('moves the delay by at most ten percent either way', () => {
    expect(backoffDelay(2, policy, () => 0)).toBe(3600);
    expect(backoffDelay(2, policy, () => 0.999999)).toBe(4400);
  });
});
