import pino from 'pino';
import { OutboxRelay } from './outbox-relay';

describe('outbox relay loop', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function relayOver(transaction: jest.Mock): OutboxRelay {
    return new OutboxRelay(
      { transaction } as never,
      {} as never,
      pino({ level: 'silent' }),
      {} as never,
    );
  }

  it('relays again at once when woken during its idle wait', async () => {
    const transaction = jest.fn().mockResolvedValue(0);
    const relay = relayOver(transaction);
    relay.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(500);
    expect(transaction).toHaveBeenCalledTimes(1);

    relay.wake();
    await jest.advanceTimersByTimeAsync(0);

    expect(transaction).toHaveBeenCalledTimes(2);
    await relay.onModuleDestroy();
  });

  it('retries a failing relay after 250 ms, doubling up to 10 s, without jitter', async () => {
    const attempts: number[] = [];
    const transaction = jest.fn().mockImplementation(() => {
      attempts.push(Date.now());
      return Promise.reject(new Error('Kafka down'));
    });
    const relay = relayOver(transaction);
    relay.onApplicationBootstrap();

    await jest.advanceTimersByTimeAsync(46_000);

    const waits = attempts.slice(1).map((at, i) => at - attempts[i]);
    expect(waits).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
    await relay.onModuleDestroy();
  });

  it('stops at once when shutdown begins during its idle wait', async () => {
    const relay = relayOver(jest.fn().mockResolvedValue(0));
    relay.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(10);

    let stopped = false;
    void relay.onModuleDestroy().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);

    expect(stopped).toBe(true);
  });

  it('stops without waiting for the next poll when shutdown begins during a relay pass', async () => {
    let finishPass = (_relayed: number) => {};
    const transaction = jest.fn(() => new Promise<number>((resolve) => (finishPass = resolve)));
    const relay = relayOver(transaction);
    relay.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);

    let stopped = false;
    void relay.onModuleDestroy().then(() => (stopped = true));
    finishPass(0);
    await jest.advanceTimersByTimeAsync(0);

    expect(stopped).toBe(true);
  });
});
