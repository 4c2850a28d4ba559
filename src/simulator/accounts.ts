import type { SimulatedDevice } from './simulated-device';
import { SimulatorError } from './simulator-error';

export interface AccountSpec {
  /** The account's user id, as `user_id` in its codes and tokens. */
  userId: number;
  /** The devices it owns: hex or decimal ids of fleet devices, all on one host. */
  devices: string[];
  /** The account's home server; default the host of its devices, or the first simulated host. */
  host?: string;
}

/** A Shelly account linked through OAuth: it lives on one cloud host and owns devices there. */
export interface Account {
  readonly userId: number;
  host: string;
  readonly devices: readonly SimulatedDevice[];
}

/** The accounts and which device each owns; a device has at most one owner. */
export class Accounts {
  private readonly byUser = new Map<number, Account>();
  private readonly byDevice = new Map<SimulatedDevice, Account>();

  constructor(
    specs: readonly AccountSpec[],
    hosts: readonly string[],
    device: (ref: string) => SimulatedDevice,
  ) {
    for (const spec of specs) {
      if (!Number.isSafeInteger(spec.userId) || spec.userId <= 0) {
        throw new SimulatorError('BAD_ACCOUNT', `user id ${spec.userId} is not a positive integer`);
      }
      if (this.byUser.has(spec.userId)) {
        throw new SimulatorError('BAD_ACCOUNT', `account ${spec.userId} appears twice`);
      }
      const devices = spec.devices.map(device);
      const host = spec.host ?? devices[0]?.host ?? hosts[0];
      if (!hosts.includes(host)) {
        throw new SimulatorError('BAD_ACCOUNT', `"${host}" is not a simulated host`);
      }
      const account: Account = { userId: spec.userId, host, devices };
      for (const owned of devices) {
        if (owned.host !== host) {
          throw new SimulatorError(
            'BAD_ACCOUNT',
            `device ${owned.identity.id} lives on ${owned.host}, not on account ${spec.userId}'s host ${host}`,
          );
        }
        if (this.byDevice.has(owned)) {
          throw new SimulatorError('BAD_ACCOUNT', `device ${owned.identity.id} has two owners`);
        }
        this.byDevice.set(owned, account);
      }
      this.byUser.set(spec.userId, account);
    }
  }

  all(): Account[] {
    return [...this.byUser.values()];
  }

  get(userId: number): Account | undefined {
    return this.byUser.get(userId);
  }

  ownerOf(device: SimulatedDevice): Account | undefined {
    return this.byDevice.get(device);
  }

  /** The account's device with this hex id (any case); undefined for another's or an unknown one. */
  ownedDevice(account: Account, hexId: unknown): SimulatedDevice | undefined {
    if (typeof hexId !== 'string') return undefined;
    return account.devices.find((device) => device.identity.id === hexId.toLowerCase());
  }

  /** Tenant rebalancing moves a whole account, and with it every device it owns. */
  move(account: Account, host: string): void {
    account.host = host;
    for (const device of account.devices) device.host = host;
  }
}
