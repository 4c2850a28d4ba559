import { WebSocket } from 'ws';
import type { AccountSocket } from './account-connections';
import type { Accounts } from './accounts';
import { CommandOptions } from './device-commands';
import type { DeviceReports } from './device-reports';
import { remember } from './records';
import { actionResponseFrame, commandResponseFrame, errorFrame, jrpcResponseFrame } from './frames';
import type { OpenConnection } from './integrator-connections';
import {
  ClientFrame,
  consentGrants,
  decideAction,
  decideCommand,
  decideJrpc,
  Directory,
  GrantLookup,
  readClientFrame,
  socketDeviceId,
} from './integrator-protocol';
import type { SimulatorFaults } from './simulator-faults';
import type { SimulatorTimers } from './simulator-timers';
import type {
  CommandRecord,
  Delivery,
  RecordedAccountCommand,
  RecordedAction,
  RecordedCommand,
  RecordedRpcCall,
} from './simulator.types';

export interface CommandHandlerDependencies {
  directory: Directory;
  accounts: Accounts;
  reports: DeviceReports;
  faults: SimulatorFaults;
  timers: SimulatorTimers;
  clock: () => number;
  commandOptions: CommandOptions;
}

type CommandFrame = Extract<ClientFrame, { kind: 'command' }>;

/**
 * Answers what integrators send on their sockets, `Shelly:CommandRequest`, `Shelly:JrpcRequest` and
 * `Integrator:ActionRequest`, and the commands on accounts' Real Time Events sockets; records them.
 */
export class CommandHandler {
  readonly commands: RecordedCommand[] = [];
  readonly accountCommands: RecordedAccountCommand[] = [];
  readonly rpcCalls: RecordedRpcCall[] = [];
  readonly actions: RecordedAction[] = [];

  constructor(private readonly deps: CommandHandlerDependencies) {}

  handleFrame(connection: OpenConnection, text: string): void {
    const frame = readClientFrame(text);
    if (frame.kind === 'command') this.onCommand(connection, frame);
    else if (frame.kind === 'jrpc') this.onJrpc(connection, frame);
    else if (frame.kind === 'action') this.onAction(connection, frame);
  }

  /**
   * The RTE channel documents commands only: other frames are ignored. The owner has full control
   * of the account's devices.
   */
  handleAccountFrame(connection: AccountSocket, text: string): void {
    const frame = readClientFrame(text);
    if (frame.kind !== 'command') return;
    const record: RecordedAccountCommand = {
      ...this.commandRecord(connection.host, frame),
      userId: connection.userId,
    };
    remember(this.accountCommands, record);
    this.runCommand(connection, frame, this.ownerGrants(connection.userId), record);
  }

  private onCommand(connection: OpenConnection, frame: CommandFrame): void {
    const record: RecordedCommand = {
      ...this.commandRecord(connection.host, frame),
      integrator: connection.integrator,
    };
    remember(this.commands, record);
    this.runCommand(
      connection,
      frame,
      consentGrants(this.deps.directory, connection.integrator),
      record,
    );
  }

  private commandRecord(host: string, frame: CommandFrame): CommandRecord {
    const data = (typeof frame.data === 'object' && frame.data !== null ? frame.data : {}) as {
      cmd?: unknown;
      params?: unknown;
    };
    return {
      at: this.deps.clock(),
      host,
      trid: frame.trid,
      deviceId: frame.deviceId,
      cmd: data.cmd,
      params: data.params,
      delivery: 'none',
    };
  }

  private runCommand(
    connection: Pick<OpenConnection, 'socket' | 'host'>,
    frame: CommandFrame,
    lookup: GrantLookup,
    record: CommandRecord,
  ): void {
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
      connection.host,
      lookup,
      record.at,
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
    if (decision.device)
      this.deps.reports.applied(decision.device, decision.changed, decision.timer);
  }

  private ownerGrants(userId: number): GrantLookup {
    const { directory, accounts } = this.deps;
    return {
      device: (deviceId) => directory.device(deviceId),
      grant: (deviceId) => {
        const device = directory.device(deviceId);
        const owned = device !== undefined && accounts.ownerOf(device)?.userId === userId;
        return owned ? { userId, accessGroups: '01' } : undefined;
      },
    };
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
    if (decision.device)
      this.deps.reports.applied(decision.device, decision.changed, decision.timer);
  }

  /** Sends a response now, later or never, as the faults say; tells how it went. */
  private respond(
    connection: Pick<OpenConnection, 'socket'>,
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

  private answerWithErrorFrame(
    connection: Pick<OpenConnection, 'socket'>,
    trid: number | string,
  ): Delivery {
    connection.socket.send(errorFrame(trid, this.deps.faults.errorFrameMessage ?? ''));
    return 'error-frame';
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
