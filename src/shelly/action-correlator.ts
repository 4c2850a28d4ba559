import { Injectable } from '@nestjs/common';
import type { ActionResponse } from './responses';

interface Waiter {
  deviceId: string;
  settle(response: ActionResponse): void;
}

/**
 * Hands `Integrator:ActionResponse` frames to the action requests waiting for them, by host and trid.
 * The trids themselves come from the command correlator (see `IntegratorActions`).
 */
@Injectable()
export class ActionCorrelator {
  private readonly waiting = new Map<string, Waiter>();

  /** Waits for the answer to the request `trid` on `host`; returns the cancel. */
  wait(host: string, trid: number, waiter: Waiter): () => void {
    const key = waiterKey(host, trid);
    this.waiting.set(key, waiter);
    return () => {
      if (this.waiting.get(key) === waiter) this.waiting.delete(key);
    };
  }

  /** False when no request waits for this response (late, foreign, or about another device). */
  settle(host: string, response: ActionResponse): boolean {
    const key = waiterKey(host, Number(response.trid));
    const waiter = this.waiting.get(key);
    if (!waiter) return false;
    // The answer names the device only sometimes (protocol 2.7); when it does, it must be ours.
    if (response.deviceId !== undefined && response.deviceId !== waiter.deviceId) return false;
    this.waiting.delete(key);
    waiter.settle(response);
    return true;
  }
}

function waiterKey(host: string, trid: number): string {
  return `${host}\n${trid}`;
}
