import { WebSocket } from 'ws';
import { ChannelTimer, CommandOptions, expireChannelTimer } from './device-commands';
import type { DeviceReports } from './device-reports';
import { actionResponseFrame, commandResponseFrame } from './frames';
import type { OpenConnection } from './integrator-connections';
import {
  ClientFrame,
  decideAction,
  decideCommand,
  Directory,
  readClientFrame,
  socketDeviceId,
} from './integrator-protocol';
import type { SimulatedDevice } from './simulated-device';
import type { SimulatorFaults } from './simulator-faults';
import type { SimulatorTimers } from './simulator-timers';
import type { RecordedAction, RecordedCommand } from './simulator.types';

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
 * Answers what integrators send on their sockets, `Shelly:CommandRequest` and
 * `Integrator:ActionRequest`, and records both.
 */
export class CommandHandler {
  readonly commands: RecordedCommand[] = [];
  readonly actions: RecordedAction[] = [];

  constructor(private readonly deps: CommandHandlerDependencies) {}

  handleFrame(connection: OpenConnection, text: string): void {
    const frame = readClientFrame(text);
    if (frame.kind === 'command') this.onCommand(connection, frame);
    else if (frame.kind === 'action') this.onAction(connection, frame);
  }

  private onCommand(
    connection: OpenConnection,
    frame: Extract<ClientFrame, { kind: 'command' }>,
  ): void {
    const { faults, timers } = this.deps;
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
    const respond = () => {
      if (connection.socket.readyState !== WebSocket.OPEN) return;
      connection.socket.send(response);
      record.delivery = 'sent';
    };
    if (faults.droppingResponses) {
      record.delivery = 'dropped';
    } else if (faults.responseDelayMs > 0) {
      record.delivery = 'delayed';
      timers.schedule(respond, faults.responseDelayMs);
    } else {
      respond();
    }
    if (decision.device && decision.changed.length > 0) {
      this.deps.reports.sendChange(decision.device, decision.changed);
    }
    if (decision.device && decision.timer) this.scheduleFlipBack(decision.device, decision.timer);
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
