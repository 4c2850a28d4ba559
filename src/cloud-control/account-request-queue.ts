import { backoffDelay, BackoffPolicy } from '../common';

/** Time and timers, injected so that the pacing can be tested without waiting. */
export interface Scheduler {
  now(): number;
  /** Runs `task` after `ms`; the returned function cancels it. */
  after(ms: number, task: () => void): () => void;
}

export const systemScheduler: Scheduler = {
  now: () => performance.now(),
  after: (ms, task) => {
    const timer = setTimeout(task, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export interface QueuePolicy {
  /** Least time between the end of one request of an account and the start of its next. */
  intervalMs: number;
  /** Requests of one account that may wait; one more is refused with `QueueFullError`. */
  maxWaiting: number;
  /** Attempts of one request, the first included, while `retryWhen` asks for another. */
  maxAttempts: number;
  /** Wait before a retry, at least `intervalMs`. */
  retryBackoff: BackoffPolicy;
}

export class QueueFullError extends Error {
  constructor(readonly maxWaiting: number) {
    super(`${maxWaiting} requests of this account are already waiting`);
    this.name = 'QueueFullError';
  }
}

export class AccountForgottenError extends Error {
  constructor() {
    super('the account was removed before its request was sent');
    this.name = 'AccountForgottenError';
  }
}

interface Job {
  run: () => Promise<unknown>;
  retryWhen: (value: unknown) => boolean;
  attempts: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** One account's requests: a lane exists only while the account has work or is within its interval. */
interface Lane {
  waiting: Job[];
  running: boolean;
  /** When the next request may start. */
  nextAt: number;
  cancelTimer?: () => void;
}

/**
 * Shelly's Cloud Control budget is one request per second and account, shared by every kind of
 * call (protocol 3.2). Requests of one account run one at a time, first in first out, the next
 * starting `intervalMs` after the previous one ended: measured from the end, the spacing holds at
 * Shelly whatever the latency. Accounts do not wait for each other. A request the `retryWhen` of
 * its caller finds refused for the rate (HTTP 429) goes again at the head of its lane after a
 * backoff, up to `maxAttempts`.
 */
export class AccountRequestQueue {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly policy: QueuePolicy,
    private readonly scheduler: Scheduler = systemScheduler,
    private readonly random: () => number = Math.random,
  ) {}

  /** Accounts with a request waiting, running, or ended less than an interval ago. */
  get activeAccounts(): number {
    return this.lanes.size;
  }

  run<T>(
    accountId: string,
    request: () => Promise<T>,
    retryWhen: (value: T) => boolean = () => false,
  ): Promise<T> {
    const lane = this.lanes.get(accountId) ?? this.openLane(accountId);
    if (lane.waiting.length >= this.policy.maxWaiting) {
      return Promise.reject(new QueueFullError(this.policy.maxWaiting));
    }
    return new Promise<T>((resolve, reject) => {
      lane.waiting.push({
        run: request,
        retryWhen: retryWhen as (value: unknown) => boolean,
        attempts: 0,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.pump(accountId, lane);
    });
  }

  /** Drops the account's lane: waiting requests are rejected; one already sent ends as it will. */
  forget(accountId: string): void {
    const lane = this.lanes.get(accountId);
    if (!lane) return;
    this.lanes.delete(accountId);
    lane.cancelTimer?.();
    for (const job of lane.waiting.splice(0)) job.reject(new AccountForgottenError());
  }

  private openLane(accountId: string): Lane {
    const lane: Lane = { waiting: [], running: false, nextAt: this.scheduler.now() };
    this.lanes.set(accountId, lane);
    return lane;
  }

  private pump(accountId: string, lane: Lane): void {
    if (lane.running || lane.cancelTimer || this.lanes.get(accountId) !== lane) return;
    const wait = lane.nextAt - this.scheduler.now();
    if (wait > 0) {
      lane.cancelTimer = this.scheduler.after(wait, () => {
        lane.cancelTimer = undefined;
        this.pump(accountId, lane);
      });
      return;
    }
    const job = lane.waiting.shift();
    if (!job) {
      this.lanes.delete(accountId);
      return;
    }
    lane.running = true;
    job.attempts += 1;
    job.run().then(
      (value) => this.settle(accountId, lane, job, { value }),
      (error: unknown) => this.settle(accountId, lane, job, { error }),
    );
  }

  private settle(
    accountId: string,
    lane: Lane,
    job: Job,
    outcome: { value: unknown } | { error: unknown },
  ): void {
    lane.running = false;
    let delay = this.policy.intervalMs;
    const forgotten = this.lanes.get(accountId) !== lane;
    if ('error' in outcome) {
      job.reject(outcome.error);
    } else if (job.retryWhen(outcome.value) && job.attempts < this.policy.maxAttempts) {
      if (forgotten) {
        job.reject(new AccountForgottenError());
        return;
      }
      delay = Math.max(
        delay,
        backoffDelay(job.attempts - 1, this.policy.retryBackoff, this.random),
      );
      lane.waiting.unshift(job);
    } else {
      job.resolve(outcome.value);
    }
    lane.nextAt = this.scheduler.now() + delay;
    this.pump(accountId, lane);
  }
}
