import { Injectable } from '@nestjs/common';
import { toDecimalDeviceId } from '../common';
import { endSpan, SpanKind, Tracing } from '../observability';
import { CommandCorrelator, CommandResult } from './command-correlator';
import { requestFrame, ShellyRequest } from './outgoing-frames';
import { SessionManager } from './session-manager';

/** A command that left on its host's socket: its trid, and the answer to wait for. */
export interface DispatchedCommand {
  trid: number;
  result: Promise<CommandResult>;
}

/**
 * Sends `Shelly:CommandRequest`s and `Shelly:JrpcRequest`s on the session of the device's host, each
 * with a trid unique on that socket, and hands back the matching response, an `Error` frame naming
 * the trid, or the timeout.
 */
@Injectable()
export class CommandDispatcher {
  constructor(
    private readonly sessions: SessionManager,
    private readonly correlator: CommandCorrelator,
    private readonly tracing: Tracing,
  ) {}

  /** Commands waiting for Shelly's answer. */
  get inFlight(): number {
    return this.correlator.inFlight;
  }

  /** `key`: a session key (`session-key.ts`), an integrator host or a linked account. */
  isConnected(key: string): boolean {
    return this.sessions.isUp(key);
  }

  /** Tells `listener` each time a session opens its socket, first time or again; returns the unsubscribe. */
  onSessionOpen(listener: (key: string) => void): () => void {
    return this.sessions.onSessionOpen(listener);
  }

  /** `undefined` when the session to `host` is not up, so nothing was sent. */
  send(
    host: string,
    deviceId: string,
    request: ShellyRequest,
    timeoutMs: number,
  ): DispatchedCommand | undefined {
    const awaits = request.kind === 'command' ? 'command-response' : 'jrpc-response';
    const pending = this.correlator.begin(host, deviceId, timeoutMs, awaits);
    const frame = requestFrame(pending.trid, toDecimalDeviceId(deviceId) as string, request);
    const span = this.tracing.startSpan(
      request.kind === 'command' ? 'Shelly:CommandRequest' : 'Shelly:JrpcRequest',
      SpanKind.CLIENT,
      { 'shelly.host': host, 'shelly.device.id': deviceId, 'shelly.trid': pending.trid },
    );
    if (!this.sessions.send(host, frame)) {
      pending.cancel();
      endSpan(span, 'host_session_down');
      return undefined;
    }
    void pending.result.then((result) => endSpan(span, resultOutcome(result)));
    return { trid: pending.trid, result: pending.result };
  }
}

/** `ok`, or a word for how Shelly's answer fell short. */
function resultOutcome(result: CommandResult): string {
  switch (result.kind) {
    case 'answered':
      return result.answer.ok ? 'ok' : 'device_refused';
    case 'rpc-answered':
      return 'error' in result.outcome ? 'rpc_error' : 'ok';
    case 'error-frame':
      return 'error_frame';
    case 'timeout':
      return 'timeout';
  }
}
