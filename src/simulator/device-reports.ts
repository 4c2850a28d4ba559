import type { AccountConnections } from './account-connections';
import type { Accounts } from './accounts';
import type { ConsentRegistry } from './consent-registry';
import { ChannelTimer, expireChannelTimer } from './device-commands';
import { advanceDeviceState, StatePart } from './device-state';
import { onlineFrame, rteOnlineFrame, rteStatusFrame, settingsFrame, statusFrame } from './frames';
import type { IntegratorConnections } from './integrator-connections';
import { frameTemplate, LoadLane, LoadReport, runLoad } from './load-generator';
import type { Random } from './seeded-random';
import {
  cloudStatus,
  deviceSettings,
  partialCloudStatus,
  renameChannels,
  SimulatedDevice,
} from './simulated-device';
import { SimulatorError } from './simulator-error';
import type { SimulatorTimers } from './simulator-timers';
import type { LoadOptions, SettingsChange } from './simulator.types';

export interface DeviceReportDependencies {
  devices: readonly SimulatedDevice[];
  connections: IntegratorConnections;
  accountConnections: AccountConnections;
  accounts: Accounts;
  consents: ConsentRegistry;
  timers: SimulatorTimers;
  rng: Random;
  clock: () => number;
  /** Status changes carry only the changed components unless asked otherwise. */
  partialByDefault: boolean;
}

/**
 * What devices send unasked: statuses, online changes and settings; one by one, periodically or
 * at a load rate. Statuses and online changes go to the consenting integrators' sockets and to the
 * owner's Real Time Events sockets; settings only to the integrators (the RTE channel has none).
 */
export class DeviceReports {
  private readonly statusDeliveries = new Map<SimulatedDevice, number>();

  constructor(private readonly deps: DeviceReportDependencies) {}

  /** The device's status changes handed to open sockets since the start. */
  statusFramesDelivered(device: SimulatedDevice): number {
    return this.statusDeliveries.get(device) ?? 0;
  }

  emitStatus(device: SimulatedDevice, partial?: boolean): number {
    if (!device.online) return 0;
    const changed = advanceDeviceState(device.state, this.deps.clock(), this.deps.rng);
    return this.sendChange(device, changed, partial);
  }

  sendChange(
    device: SimulatedDevice,
    changed: readonly StatePart[],
    partial = this.deps.partialByDefault,
  ): number {
    return this.sendStatus(device, partial ? changed : 'full');
  }

  /** A command ran on the device: its change goes out, and a `timeout` flips it back later. */
  applied(device: SimulatedDevice, changed: readonly StatePart[], timer?: ChannelTimer): void {
    if (changed.length > 0) this.sendChange(device, changed);
    if (!timer) return;
    this.deps.timers.schedule(() => {
      const flipped = expireChannelTimer(device.state, timer, this.deps.clock());
      if (flipped.length > 0 && device.online) this.sendChange(device, flipped);
    }, timer.durationS * 1000);
  }

  setOnline(device: SimulatedDevice, online: boolean): number {
    device.online = online;
    const sent = this.broadcast(
      device,
      onlineFrame(device.identity.deviceId, online),
      rteOnlineFrame(device, online),
    );
    if (online) this.sendStatus(device, 'full');
    return sent;
  }

  emitSettings(device: SimulatedDevice, change: SettingsChange): number {
    if (change.name !== undefined) device.identity.name = change.name;
    if (change.channelNames) renameChannels(device, change.channelNames);
    device.state.system.cfgRev += 1;
    return this.deps.connections.sendToConsenting(
      device,
      settingsFrame(device.identity.deviceId, deviceSettings(device)),
    );
  }

  startPeriodicUpdates(intervalMs: number): void {
    const tick = () => {
      for (const device of this.deps.devices) {
        if (device.online && this.isListenedTo(device)) this.emitStatus(device);
      }
      this.deps.timers.schedule(tick, intervalMs);
    };
    this.deps.timers.schedule(tick, intervalMs);
  }

  /** Devices take part when the integrator has their consent and a socket to their host. */
  load(integrator: string, hosts: readonly string[], options: LoadOptions): Promise<LoadReport> {
    const { connections, consents } = this.deps;
    const eligible = this.deps.devices
      .filter(
        (device) =>
          hosts.includes(device.host) &&
          consents.find(integrator, device.identity.deviceId) !== undefined &&
          connections.socketOf(integrator, device.host) !== undefined,
      )
      .slice(0, options.devices ?? Infinity);
    if (eligible.length === 0) {
      throw new SimulatorError(
        'NO_LOAD_DEVICES',
        'no consented device on a host with an open connection for this integrator',
      );
    }
    const now = this.deps.clock();
    const lanes = new Map<string, LoadLane>();
    for (const device of eligible) {
      let lane = lanes.get(device.host);
      if (!lane) {
        const socket = connections.socketOf(integrator, device.host)!;
        lane = { host: device.host, socket, frames: [] };
        lanes.set(device.host, lane);
      }
      lane.frames.push(frameTemplate(device.identity.deviceId, cloudStatus(device, now)));
    }
    return runLoad([...lanes.values()], {
      eventsPerSecond: options.eventsPerSecond,
      durationMs: options.durationMs,
      maxBufferedBytes: options.maxBufferedBytes,
    });
  }

  private sendStatus(device: SimulatedDevice, parts: readonly StatePart[] | 'full'): number {
    const now = this.deps.clock();
    device.state.system.serial += 1;
    const status =
      parts === 'full' ? cloudStatus(device, now) : partialCloudStatus(device, parts, now);
    const sent = this.broadcast(
      device,
      statusFrame(device.identity.deviceId, status),
      rteStatusFrame(device, status),
    );
    this.statusDeliveries.set(device, this.statusFramesDelivered(device) + sent);
    return sent;
  }

  /** The same event to the consenting integrators and to the owner, each in its channel's shape. */
  private broadcast(device: SimulatedDevice, integratorFrame: string, rteFrame: string): number {
    return (
      this.deps.connections.sendToConsenting(device, integratorFrame) +
      this.deps.accountConnections.sendToOwner(device, rteFrame)
    );
  }

  private isListenedTo(device: SimulatedDevice): boolean {
    return (
      this.deps.consents.hasConsent(device) || this.deps.accounts.ownerOf(device) !== undefined
    );
  }
}
