import { Injectable } from '@nestjs/common';
import { toDecimalDeviceId } from '../common';
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
  ) {}

  /** Commands waiting for Shelly's answer. */
  get inFlight(): number {
    return this.correlator.inFlight;
  }

  isConnected(host: string): boolean {
    return this.sessions.isUp(host);
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
    if (!this.sessions.send(host, frame)) {
      pending.cancel();
      return undefined;
    }
    return { trid: pending.trid, result: pending.result };
  }
}
