export interface BackoffPolicy {
  minMs: number;
  maxMs: number;
  /** Share of the delay that is randomized either way, so that many clients do not retry in step. */
  jitter: number;
}

/**
 * Delay before retry number `attempt` (0 for the first retry): the minimum doubled per attempt, capped,
 * then moved by up to `jitter` of itself either way.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const base = Math.min(policy.maxMs, policy.minMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (1 + policy.jitter * (2 * random() - 1)));
}

/**
 * Resolves after `ms`, or as soon as `signal` aborts (a wake-up, a shutdown); it never rejects, the
 * caller decides from its own state what follows. The global `setTimeout` rather than
 * `node:timers/promises`, which Jest's fake timers do not reach.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
