import type { RejectedFrame } from '../normalize/frame-fields';
import type { ParsedFrame } from '../normalize/normalize-frame';
import { Metrics } from '../observability/metrics';
import { ActionCorrelator } from './action-correlator';
import { CommandCorrelator } from './command-correlator';
import { InboundFrames } from './inbound-frames';
import { type FrameOrigin, FramePort } from './ports';

class RecordingPort extends FramePort {
  readonly frames: { origin: FrameOrigin; text: string; frame: ParsedFrame | RejectedFrame }[] = [];

  accept(origin: FrameOrigin, text: string, frame: ParsedFrame | RejectedFrame): void {
    this.frames.push({ origin, text, frame });
  }

  onPressureChange(): void {}
}

const host = 'shelly-103-eu.shelly.cloud';
const origin = { key: host, host };

describe('frames read from a session', () => {
  let port: RecordingPort;
  let correlator: CommandCorrelator;
  let actions: ActionCorrelator;
  let metrics: Metrics;
  let inbound: InboundFrames;

  beforeEach(() => {
    port = new RecordingPort();
    correlator = new CommandCorrelator();
    metrics = new Metrics();
    actions = new ActionCorrelator();
    inbound = new InboundFrames(port, correlator, actions, metrics);
  });

  const received = async (event: string) =>
    (await metrics.framesReceived.get()).values.find((v) => v.labels.event === event)?.value ?? 0;

  it('settles the command waiting for a response and keeps it from the frame port', async () => {
    const pending = correlator.begin(host, 'cc7b5c0c5d9c', 60_000, 'command-response');
    inbound.accept(
      origin,
      JSON.stringify({
        event: 'Shelly:CommandResponse',
        trid: pending.trid,
        deviceId: '224830197357980',
        data: { isok: true },
      }),
    );
    await expect(pending.result).resolves.toEqual({ kind: 'answered', answer: { ok: true } });
    expect(port.frames).toEqual([]);
    expect(await received('command_response')).toBe(1);
  });

  it('counts an action response without passing it on', async () => {
    inbound.accept(
      origin,
      JSON.stringify({ event: 'Integrator:ActionResponse', trid: 4, data: { result: 'OK' } }),
    );
    expect(port.frames).toEqual([]);
    expect(await received('action_response')).toBe(1);
  });

  it('settles the action waiting for its response, by host and trid', () => {
    const answers: unknown[] = [];
    actions.wait(host, 9, { deviceId: 'cc7b5c0c5d9c', settle: (r) => answers.push(r.result) });
    const answer = (on: string, trid: number) =>
      inbound.accept(
        { key: on, host: on },
        JSON.stringify({
          event: 'Integrator:ActionResponse',
          trid,
          data: { result: 'OK', deviceId: '224830197357980' },
        }),
      );
    answer('shelly-77-eu.shelly.cloud', 9);
    answer(host, 8);
    expect(answers).toEqual([]);
    answer(host, 9);
    expect(answers).toEqual(['OK']);
  });

  it('passes a device frame on parsed, with its text', () => {
    const text = JSON.stringify({ event: 'Shelly:Online', deviceId: '12133370', online: 1 });
    inbound.accept(origin, text);
    expect(port.frames).toEqual([
      { origin, text, frame: { kind: 'parsed', event: 'Shelly:Online', frame: JSON.parse(text) } },
    ]);
  });

  it('passes on what it cannot read, and a malformed response, with the reason', () => {
    inbound.accept(origin, '{"event":');
    inbound.accept(origin, JSON.stringify({ event: 'Shelly:CommandResponse', trid: {}, data: {} }));
    expect(port.frames.map(({ frame }) => [frame.kind, (frame as RejectedFrame).reason])).toEqual([
      ['rejected', 'not_json'],
      ['rejected', 'invalid_field'],
    ]);
  });
});
