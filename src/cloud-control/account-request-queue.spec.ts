import {
  AccountForgottenError,
  AccountRequestQueue,
  QueueFullError,
  QueuePolicy,
  Scheduler,
} from './account-request-queue';

/** Time that moves only when told, running due timers in order. */
class ManualScheduler implements Scheduler {
  time = 0;
  private timers: { at: number; task: () => void }[] = [];

  now(): number {
    return this.time;
  }

  after(ms: number, task: () => void): () => void {
    const timer = { at: this.time + ms, task };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((other) => other !== timer);
    };
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await settled();
      const next = Math.min(...this.timers.map((timer) => timer.at));
      if (next > target) break;
      const due = this.timers.filter((timer) => timer.at === next);
      this.timers = this.timers.filter((timer) => timer.at !== next);
      this.time = next;
      for (const timer of due) timer.task();
    }
    this.time = target;
    await settled();
  }
}

/** Lets every promise callback that is ready run. */
function settled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const policy: QueuePolicy = {
  intervalMs: 1200,
  maxWaiting: 3,
  maxAttempts: 3,
  retryBackoff: { minMs: 2000, maxMs: 8000, jitter: 0 },
};

describe('per-account request queue', () => {
  let scheduler: ManualScheduler;
  let queue: AccountRequestQueue;
  let started: { account: string; name: string; at: number }[];

  beforeEach(() => {
    scheduler = new ManualScheduler();
    queue = new AccountRequestQueue(policy, scheduler);
    started = [];
  });

  /** A request that records when it starts and answers its name at once. */
  function request(account: string, name: string): Promise<string> {
    return queue.run(account, () => {
      started.push({ account, name, at: scheduler.now() });
      return Promise.resolve(name);
    });
  }

  it('sends the first request of an account at once and each next one an interval later, in order', async () => {
    const answers = Promise.all([
      request('a', 'first'),
      request('a', 'second'),
      request('a', 'third'),
    ]);
    await scheduler.advance(5000);

    expect(started).toEqual([
      { account: 'a', name: 'first', at: 0 },
      { account: 'a', name: 'second', at: 1200 },
      { account: 'a', name: 'third', at: 2400 },
    ]);
    await expect(answers).resolves.toEqual(['first', 'second', 'third']);
  });

  it('counts the interval from the end of a slow request, not from its start', async () => {
    let finishSlow: (value: string) => void = () => undefined;
    const slow = queue.run('a', () => new Promise<string>((resolve) => (finishSlow = resolve)));
    const next = request('a', 'next');
    await scheduler.advance(500);
    finishSlow('slow');
    await scheduler.advance(1199);
    expect(started).toEqual([]);

    await scheduler.advance(1);
    expect(started).toEqual([{ account: 'a', name: 'next', at: 1700 }]);
    await expect(Promise.all([slow, next])).resolves.toEqual(['slow', 'next']);
  });

  it('lets accounts run side by side, each at its own pace', async () => {
    void request('a', 'a1');
    void request('b', 'b1');
    void request('a', 'a2');
    void request('b', 'b2');
    await scheduler.advance(1200);

    expect(started).toEqual([
      { account: 'a', name: 'a1', at: 0 },
      { account: 'b', name: 'b1', at: 0 },
      { account: 'a', name: 'a2', at: 1200 },
      { account: 'b', name: 'b2', at: 1200 },
    ]);
  });

  it('waits the interval after an account’s last request even when the next one comes later', async () => {
    await request('a', 'first');
    await scheduler.advance(700);
    void request('a', 'second');
    await scheduler.advance(1000);

    expect(started.map((start) => start.at)).toEqual([0, 1200]);
  });

  it('refuses a request beyond the account’s bound of waiting requests, and no other account’s', async () => {
    const sent = request('a', 'sent');
    const waiting = ['w1', 'w2', 'w3'].map((name) => request('a', name));

    await expect(request('a', 'one too many')).rejects.toThrow(QueueFullError);
    await expect(request('b', 'other account')).resolves.toBe('other account');
    await scheduler.advance(4 * 1200);
    await expect(Promise.all([sent, ...waiting])).resolves.toEqual(['sent', 'w1', 'w2', 'w3']);
    expect(started.filter((start) => start.account === 'a').map((start) => start.name)).toEqual([
      'sent',
      'w1',
      'w2',
      'w3',
    ]);
  });

  it('rejects the waiting requests of a forgotten account and sends none of them', async () => {
    const sent = request('a', 'sent');
    const waiting = request('a', 'waiting');
    const otherAccount = request('b', 'b1');
    const laterOfOther = request('b', 'b2');

    queue.forget('a');
    const cancelled = expect(waiting).rejects.toThrow(AccountForgottenError);
    await scheduler.advance(5000);

    await expect(sent).resolves.toBe('sent');
    await cancelled;
    await expect(Promise.all([otherAccount, laterOfOther])).resolves.toEqual(['b1', 'b2']);
    expect(started.map((start) => start.name)).toEqual(['sent', 'b1', 'b2']);
    expect(queue.activeAccounts).toBe(0);
  });

  it('does not retry a request of an account forgotten while it was on its way', async () => {
    let answer: (value: string) => void = () => undefined;
    const retried = queue.run(
      'a',
      () => new Promise<string>((resolve) => (answer = resolve)),
      () => true,
    );
    queue.forget('a');
    answer('429');

    await expect(retried).rejects.toThrow(AccountForgottenError);
    await scheduler.advance(10_000);
    expect(queue.activeAccounts).toBe(0);
  });

  it('sends a request again after a backoff while its caller finds it refused for the rate, ahead of the others', async () => {
    const answers = ['429', '429', 'ok'];
    const attempts: number[] = [];
    const retried = queue.run(
      'a',
      () => {
        attempts.push(scheduler.now());
        return Promise.resolve(answers[attempts.length - 1]);
      },
      (answer) => answer === '429',
    );
    const next = request('a', 'next');
    await scheduler.advance(20_000);

    await expect(retried).resolves.toBe('ok');
    // Backoff 2000, then 4000; the request behind it waits its interval after the last attempt.
    expect(attempts).toEqual([0, 2000, 6000]);
    expect(started).toEqual([{ account: 'a', name: 'next', at: 7200 }]);
    await expect(next).resolves.toBe('next');
  });

  it('gives up retrying after the bounded attempts and answers the last refusal', async () => {
    let attempts = 0;
    const refused = queue.run(
      'a',
      () => Promise.resolve(`refusal ${++attempts}`),
      () => true,
    );
    await scheduler.advance(60_000);

    await expect(refused).resolves.toBe('refusal 3');
    expect(attempts).toBe(policy.maxAttempts);
  });

  it('passes a failed request’s error to its caller and still paces the next one', async () => {
    const failed = queue.run('a', () => Promise.reject(new Error('network down')));
    const failure = expect(failed).rejects.toThrow('network down');
    const next = request('a', 'next');
    await scheduler.advance(1200);

    await failure;
    await expect(next).resolves.toBe('next');
    expect(started).toEqual([{ account: 'a', name: 'next', at: 1200 }]);
  });

  it('keeps nothing for ten thousand accounts once each is an interval past its request', async () => {
    const accounts = Array.from({ length: 10_000 }, (_, index) => `account-${index}`);
    const answers = Promise.all(accounts.map((account) => request(account, account)));
    await scheduler.advance(0);

    expect(started).toHaveLength(10_000);
    expect(started.every((start) => start.at === 0)).toBe(true);
    await expect(answers).resolves.toEqual(accounts);
    expect(queue.activeAccounts).toBe(10_000);

    await scheduler.advance(1200);
    expect(queue.activeAccounts).toBe(0);
    expect(scheduler.pendingTimers).toBe(0);
  });
});
