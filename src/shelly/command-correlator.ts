import { Injectable } from '@nestjs/common';
import type { CommandResponse, ErrorFrame, JrpcResponse } from './responses';

/** What the cloud answered to one `Shelly:CommandRequest`. */
export interface CommandAnswer {
  ok: boolean;
  /** `data.res`: Shelly's reason for a refusal, or a remark on success. */
  message?: string;
  user?: number;
}

export type CommandResult =
  | { kind: 'answered'; answer: CommandAnswer }
  | { kind: 'rpc-answered'; outcome: JrpcResponse['outcome'] }
  | { kind: 'error-frame'; message: string }
  | { kind: 'timeout' };

/** The response a request waits for: `Shelly:CommandResponse` or `Shelly:JrpcResponse`. */
export type AwaitedResponse = CommandResponse['kind'] | JrpcResponse['kind'];

export interface PendingCommand {
  trid: number;
  /** Settles with the matching response, or with `timeout` after the time given to `begin`. */
  result: Promise<CommandResult>;
  /** Gives the trid back when the request could not be sent after all. */
  cancel(): void;
}

interface Waiter {
  deviceId: string;
  awaits: AwaitedResponse;
  timer: NodeJS.Timeout;
  settle(result: CommandResult): void;
}

interface HostLane {
  lastTrid: number;
  pending: Map<number, Waiter>;
}

/** Trids stay within a signed 32-bit integer, which every JSON parser on the cloud side can hold. */
const MAX_TRID = 2_147_483_647;

/**
 * Matches `Shelly:CommandResponse` and `Shelly:JrpcResponse` frames, and `Error` frames naming a
 * trid, to the requests waiting for them. Each host's socket has its own wrapping trid counter; a
 * trid is never reused while a request holding it is in flight on that host, so a response can only
 * settle the request it answers.
 */
@Injectable()
export class CommandCorrelator {
  private readonly lanes = new Map<string, HostLane>();
  private waiting = 0;

  get inFlight(): number {
    return this.waiting;
  }

  begin(
    host: string,
    deviceId: string,
    timeoutMs: number,
    awaits: AwaitedResponse,
  ): PendingCommand {
    let lane = this.lanes.get(host);
    if (!lane) {
      lane = { lastTrid: 0, pending: new Map() };
      this.lanes.set(host, lane);
    }
    const trid = nextFreeTrid(lane);
    const pending = lane.pending;
    let settle!: (result: CommandResult) => void;
    const result = new Promise<CommandResult>((resolve) => (settle = resolve));
    const finish = (outcome: CommandResult) => {
      const waiter = pending.get(trid);
      if (!waiter) return;
      clearTimeout(waiter.timer);
      pending.delete(trid);
      this.waiting--;
      settle(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    pending.set(trid, { deviceId, awaits, timer, settle: finish });
    this.waiting++;
    return { trid, result, cancel: () => finish({ kind: 'timeout' }) };
  }

  /** Hands a response to the request it answers; false when none waits for it (late or foreign). */
  settle(host: string, response: CommandResponse | JrpcResponse | ErrorFrame): boolean {
    if (response.trid === undefined) return false;
    const trid = typeof response.trid === 'number' ? response.trid : Number(response.trid);
    const waiter = this.lanes.get(host)?.pending.get(trid);
    if (!waiter) return false;
    if (response.deviceId !== undefined && waiter.deviceId !== response.deviceId) return false;
    switch (response.kind) {
      case 'error-frame':
        waiter.settle({ kind: 'error-frame', message: response.message });
        return true;
      case 'jrpc-response':
        if (waiter.awaits !== response.kind) return false;
        waiter.settle({ kind: 'rpc-answered', outcome: response.outcome });
        return true;
      case 'command-response': {
        if (waiter.awaits !== response.kind) return false;
        const answer: CommandAnswer = { ok: response.ok };
        if (response.message !== undefined) answer.message = response.message;
        if (response.user !== undefined) answer.user = response.user;
        waiter.settle({ kind: 'answered', answer });
        return true;
      }
    }
  }
}

function nextFreeTrid(lane: HostLane): number {
  let trid = lane.lastTrid;
  do {
    trid = trid >= MAX_TRID ? 1 : trid + 1;
  } while (lane.pending.has(trid));
  lane.lastTrid = trid;
  return trid;
}
