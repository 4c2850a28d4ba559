import { getEventListeners } from 'node:events';
import { backoffDelay, sleep } from './retry';

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

describe('sleep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function track(promise: Promise<void>): { done: boolean } {
    const state = { done: false };
    void promise.then(() => (state.done = true));
    return state;
  }

  it('resolves once the time is up, not before', async () => {
    const slept = track(sleep(1_000));
    await jest.advanceTimersByTimeAsync(999);
    expect(slept.done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(slept.done).toBe(true);
  });

  it('is woken early when its signal aborts, and leaves no timer behind', async () => {
    const wakeUp = new AbortController();
    const slept = track(sleep(60_000, wakeUp.signal));
    await jest.advanceTimersByTimeAsync(10);

    wakeUp.abort();
    await jest.advanceTimersByTimeAsync(0);

    expect(slept.done).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does not wait at all when its signal was aborted before', async () => {
    const cancelled = new AbortController();
    cancelled.abort();
    const slept = track(sleep(60_000, cancelled.signal));
    await jest.advanceTimersByTimeAsync(0);

    expect(slept.done).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops listening to its signal once the time is up, so a long-lived signal gathers no listeners', async () => {
    const stopping = new AbortController();
    const slept = track(sleep(1_000, stopping.signal));
    await jest.advanceTimersByTimeAsync(1_000);

    expect(slept.done).toBe(true);
    expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(0);
  });
});
