import { CommandResponse, ErrorFrame, JrpcResponse } from './responses';
import { CommandCorrelator } from './command-correlator';

const response = (trid: number | string, deviceId: string, ok = true, message?: string) =>
  ({ kind: 'command-response', trid, deviceId, ok, message, user: 48213 }) as CommandResponse;

describe('command correlation by trid', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('settles a request with the response carrying its trid on its host', async () => {
    const correlator = new CommandCorrelator();
    const first = correlator.begin('h1', 'aa', 1000, 'command-response');
    const second = correlator.begin('h1', 'bb', 1000, 'command-response');
    expect(second.trid).not.toBe(first.trid);

    expect(correlator.settle('h2', response(first.trid, 'aa'))).toBe(false);
    expect(correlator.settle('h1', response(first.trid, 'bb'))).toBe(false);
    expect(
      correlator.settle('h1', response(String(second.trid), 'bb', false, 'INVALID_CHANNEL')),
    ).toBe(true);
    expect(correlator.settle('h1', response(first.trid, 'aa'))).toBe(true);

    await expect(first.result).resolves.toEqual({
      kind: 'answered',
      answer: { ok: true, user: 48213 },
    });
    await expect(second.result).resolves.toEqual({
      kind: 'answered',
      answer: { ok: false, message: 'INVALID_CHANNEL', user: 48213 },
    });
    expect(correlator.inFlight).toBe(0);
  });

  it('times out, and a late response then settles nothing', async () => {
    const correlator = new CommandCorrelator();
    const pending = correlator.begin('h1', 'aa', 1000, 'command-response');
    jest.advanceTimersByTime(1000);
    await expect(pending.result).resolves.toEqual({ kind: 'timeout' });
    expect(correlator.settle('h1', response(pending.trid, 'aa'))).toBe(false);
    expect(correlator.inFlight).toBe(0);
  });

  it('counts trids per host, wraps, and skips those still in flight', () => {
    const correlator = new CommandCorrelator();
    const onH1 = correlator.begin('h1', 'aa', 1000, 'command-response');
    const onH2 = correlator.begin('h2', 'aa', 1000, 'command-response');
    expect(onH2.trid).toBe(onH1.trid);

    // Drive h1's counter to its end, keeping trid 1 in flight.
    const lane = (correlator as unknown as { lanes: Map<string, { lastTrid: number }> }).lanes.get(
      'h1',
    )!;
    lane.lastTrid = 2_147_483_646;
    expect(correlator.begin('h1', 'aa', 1000, 'command-response').trid).toBe(2_147_483_647);
    expect(correlator.begin('h1', 'aa', 1000, 'command-response').trid).toBe(onH1.trid + 1);
  });

  it('gives a trid back when the request was not sent', async () => {
    const correlator = new CommandCorrelator();
    const pending = correlator.begin('h1', 'aa', 1000, 'command-response');
    pending.cancel();
    await expect(pending.result).resolves.toEqual({ kind: 'timeout' });
    expect(correlator.inFlight).toBe(0);
  });

  it('settles an RPC call with its JrpcResponse only, never with a CommandResponse', async () => {
    const correlator = new CommandCorrelator();
    const call = correlator.begin('h1', 'aa', 1000, 'jrpc-response');
    expect(correlator.settle('h1', response(call.trid, 'aa'))).toBe(false);
    const jrpc: JrpcResponse = {
      kind: 'jrpc-response',
      trid: call.trid,
      deviceId: 'aa',
      outcome: { result: { was_on: false } },
    };
    expect(correlator.settle('h1', jrpc)).toBe(true);
    await expect(call.result).resolves.toEqual({
      kind: 'rpc-answered',
      outcome: { result: { was_on: false } },
    });
  });

  it('fails the request an Error frame names by trid at once; one naming none settles nothing', async () => {
    const correlator = new CommandCorrelator();
    const pending = correlator.begin('h1', 'aa', 60_000, 'command-response');
    const error = (fields: Partial<ErrorFrame>): ErrorFrame => ({
      kind: 'error-frame',
      message: 'Bad request',
      ...fields,
    });
    expect(correlator.settle('h1', error({}))).toBe(false);
    expect(correlator.settle('h1', error({ trid: pending.trid, deviceId: 'bb' }))).toBe(false);
    expect(correlator.settle('h1', error({ trid: String(pending.trid) }))).toBe(true);
    await expect(pending.result).resolves.toEqual({ kind: 'error-frame', message: 'Bad request' });
    expect(correlator.inFlight).toBe(0);
  });
});
