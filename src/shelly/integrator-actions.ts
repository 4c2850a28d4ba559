import { Injectable } from '@nestjs/common';
import { toDecimalDeviceId } from '../common';
import { endSpan, SpanKind, Tracing } from '../observability';
import { ActionCorrelator } from './action-correlator';
import { CommandCorrelator } from './command-correlator';
import { actionRequestFrame, IntegratorAction } from './outgoing-frames';
import type { ActionResponse } from './responses';
import { SessionManager } from './session-manager';

export type ActionResult = { kind: 'answered'; response: ActionResponse } | { kind: 'timeout' };

/** An answer naming another host for the device: its owner's account moved there (protocol 2.7). */
export interface WrongHostAnswer {
  action: IntegratorAction;
  host: string;
  deviceId: string;
}

/**
 * Sends `Integrator:ActionRequest`s (`DeviceVerify`, `DeviceGetSettings`) on the session of a host
 * and hands back the cloud's answer or the timeout. Their trids are taken from the command
 * correlator, so that a trid is never held by a command and an action at once on one socket.
 */
@Injectable()
export class IntegratorActions {
  private readonly wrongHostListeners = new Set<(answer: WrongHostAnswer) => void>();

  constructor(
    private readonly sessions: SessionManager,
    private readonly commands: CommandCorrelator,
    private readonly actions: ActionCorrelator,
    private readonly tracing: Tracing,
  ) {}

  isConnected(host: string): boolean {
    return this.sessions.isUp(host);
  }

  /** Tells `listener` each time a session to a host opens, first time or again; returns the unsubscribe. */
  onSessionOpen(listener: (host: string) => void): () => void {
    return this.sessions.onSessionOpen(listener);
  }

  /** Tells `listener` of every `WRONG_HOST` answer, whichever action it answers. */
  onWrongHost(listener: (answer: WrongHostAnswer) => void): () => void {
    this.wrongHostListeners.add(listener);
    return () => this.wrongHostListeners.delete(listener);
  }

  /** `undefined` when the session to `host` is not up, so nothing was sent. */
  request(
    host: string,
    action: IntegratorAction,
    deviceId: string,
    timeoutMs: number,
  ): Promise<ActionResult> | undefined {
    // The command correlator only reserves the trid on the host's socket, so that no command shares
    // it; the answer is an action response, which this class settles.
    const trid = this.commands.begin(host, deviceId, timeoutMs, 'command-response');
    let answered!: (response: ActionResponse) => void;
    const answer = new Promise<ActionResult>(
      (resolve) => (answered = (response) => resolve({ kind: 'answered', response })),
    );
    const stopWaiting = this.actions.wait(host, trid.trid, { deviceId, settle: answered });
    const frame = actionRequestFrame(trid.trid, action, toDecimalDeviceId(deviceId) as string);
    const span = this.tracing.startSpan(`Integrator:ActionRequest ${action}`, SpanKind.CLIENT, {
      'shelly.host': host,
      'shelly.device.id': deviceId,
      'shelly.trid': trid.trid,
    });
    if (!this.sessions.send(host, frame)) {
      stopWaiting();
      trid.cancel();
      endSpan(span, 'host_session_down');
      return undefined;
    }
    const timeout = trid.result.then((): ActionResult => ({ kind: 'timeout' }));
    return Promise.race([answer, timeout])
      .then((result) => {
        if (result.kind === 'answered' && result.response.result === 'WRONG_HOST') {
          for (const listener of this.wrongHostListeners) listener({ action, host, deviceId });
        }
        const outcome = result.kind === 'timeout' ? 'timeout' : result.response.result;
        endSpan(span, outcome === 'OK' ? 'ok' : outcome.slice(0, 64));
        return result;
      })
      .finally(() => {
        stopWaiting();
        trid.cancel();
      });
  }
}
