import { WebSocket } from 'ws';
import { ChannelTimer, CommandOptions, expireChannelTimer } from './device-commands';
import type { DeviceReports } from './device-reports';
import { actionResponseFrame, commandResponseFrame, errorFrame, jrpcResponseFrame } from './frames';
import type { OpenConnection } from './integrator-connections';
import {
  ClientFrame,
  decideAction,
  decideCommand,
  decideJrpc,
  Directory,
  readClientFrame,
  socketDeviceId,
} from './integrator-protocol';
import type { SimulatedDevice } from './simulated-device';
import type { SimulatorFaults } from './simulator-faults';
import type { SimulatorTimers } from './simulator-timers';
import type { Delivery, RecordedAction, RecordedCommand, RecordedRpcCall } from './simulator.types';

/** The command and action records keep this many most recent entries. */
const MAX_RECORDED = 10_000;

export interface CommandHandlerDependencies {
  directory: Directory;
  reports: DeviceReports;
  faults: SimulatorFaults;
  timers: SimulatorTimers;
  clock: () => number;
  commandOptions: CommandOptions;
}

/**
 * Answers what integrators send on their sockets, `Shelly:CommandRequest`, `Shelly:JrpcRequest` and
 * `Integrator:ActionRequest`, and records them.
 */
export class CommandHandler {
  readonly commands: RecordedCommand[] = [];
  readonly rpcCalls: RecordedRpcCall[] = [];
  readonly actions: RecordedAction[] = [];

  constructor(private readonly deps: CommandHandlerDependencies) {}

  handleFrame(connection: OpenConnection, text: string): void {
    const frame = readClientFrame(text);
    if (frame.kind === 'command') this.onCommand(connection, frame);
    else if (frame.kind === 'jrpc') this.onJrpc(connection, frame);
    else if (frame.kind === 'action') this.onAction(connection, frame);
  }

  private onCommand(
    connection: OpenConnection,
    frame: Extract<ClientFrame, { kind: 'command' }>,
  ): void {
    const now = this.deps.clock();
    const data = (typeof frame.data === 'object' && frame.data !== null ? frame.data : {}) as {
      cmd?: unknown;
      params?: unknown;
    };
    const record: RecordedCommand = {
      at: now,
      integrator: connection.integrator,
      host: connection.host,
      trid: frame.trid,
      deviceId: frame.deviceId,
      cmd: data.cmd,
      params: data.params,
      delivery: 'none',
    };
    remember(this.commands, record);
    if (frame.trid === undefined) {
      record.detail = 'no trid: nothing to answer';
      return;
    }
    if (this.deps.faults.errorFrameMessage !== null) {
      record.delivery = this.answerWithErrorFrame(connection, frame.trid);
      return;
    }
    const decision = decideCommand(
      frame,
      connection,
      this.deps.directory,
      now,
      this.deps.commandOptions,
    );
    record.answer = decision.answer;
    record.detail = decision.detail;
    const response = commandResponseFrame(
      frame.trid,
      decision.deviceId ?? socketDeviceId(frame.deviceId),
      decision.user,
      decision.answer,
    );
    this.respond(connection, response, (delivery) => (record.delivery = delivery));
    if (decision.device && decision.changed.length > 0) {
      this.deps.reports.sendChange(decision.device, decision.changed);
    }
    if (decision.device && decision.timer) this.scheduleFlipBack(decision.device, decision.timer);
  }

  private onJrpc(connection: OpenConnection, frame: Extract<ClientFrame, { kind: 'jrpc' }>): void {
    const record: RecordedRpcCall = {
      at: this.deps.clock(),
      integrator: connection.integrator,
      host: connection.host,
      trid: frame.trid,
      deviceId: frame.deviceId,
      method: frame.method,
      params: frame.params,
      delivery: 'none',
    };
    remember(this.rpcCalls, record);
    if (frame.trid === undefined) return;
    if (this.deps.faults.errorFrameMessage !== null) {
      record.delivery = this.answerWithErrorFrame(connection, frame.trid);
      return;
    }
    const decision = decideJrpc(
      frame,
      connection,
      this.deps.directory,
      record.at,
      this.deps.commandOptions,
    );
    record.response = decision.answer;
    const response = jrpcResponseFrame(
      frame.trid,
      decision.deviceId ?? socketDeviceId(frame.deviceId),
      decision.answer,
    );
    this.respond(connection, response, (delivery) => (record.delivery = delivery));
    if (decision.device && decision.changed.length > 0) {
      this.deps.reports.sendChange(decision.device, decision.changed);
    }
    if (decision.device && decision.timer) this.scheduleFlipBack(decision.device, decision.timer);
  }

  /** Sends a response now, later or never, as the faults say; tells how it went. */
  private respond(
    connection: OpenConnection,
    response: string,
    delivered: (delivery: Delivery) => void,
  ): void {
    const { faults, timers } = this.deps;
    const send = () => {
      if (connection.socket.readyState !== WebSocket.OPEN) return;
      connection.socket.send(response);
      delivered('sent');
    };
    if (faults.droppingResponses) {
      delivered('dropped');
    } else if (faults.responseDelayMs > 0) {
      delivered('delayed');
      timers.schedule(send, faults.responseDelayMs);
    } else {
      send();
    }
  }

  private answerWithErrorFrame(connection: OpenConnection, trid: number | string): Delivery {
    connection.socket.send(errorFrame(trid, this.deps.faults.errorFrameMessage ?? ''));
    return 'error-frame';
  }

  private scheduleFlipBack(device: SimulatedDevice, timer: ChannelTimer): void {
    this.deps.timers.schedule(() => {
      const changed = expireChannelTimer(device.state, timer, this.deps.clock());
      if (changed.length > 0 && device.online) this.deps.reports.sendChange(device, changed);
    }, timer.durationS * 1000);
  }

  private onAction(
    connection: OpenConnection,
    frame: Extract<ClientFrame, { kind: 'action' }>,
  ): void {
    const decision = decideAction(frame, connection, this.deps.directory, this.deps.clock());
    remember(this.actions, {
      at: this.deps.clock(),
      integrator: connection.integrator,
      host: connection.host,
      trid: frame.trid,
      request: frame.data,
      result: decision.data.result,
    });
    if (frame.trid === undefined || this.deps.faults.droppingResponses) return;
    connection.socket.send(actionResponseFrame(frame.trid, decision.user, decision.data));
  }
}

function remember<T>(record: T[], entry: T): void {
  record.push(entry);
  if (record.length > MAX_RECORDED) record.splice(0, record.length - MAX_RECORDED);
}
