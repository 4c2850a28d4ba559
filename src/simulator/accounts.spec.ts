import { Accounts } from './accounts';
import { buildFleet } from './fleet';
import { seededRandom } from './seeded-random';
import { SimulatorError } from './simulator-error';

const HOSTS = ['shelly-43-eu.shelly.cloud', 'shelly-77-eu.shelly.cloud'];

describe('accounts', () => {
  const fleet = () =>
    buildFleet(
      {
        devices: [
          { model: 'SNSW-001P16EU', id: 'a8032abe41fc', host: HOSTS[0] },
          { model: 'SHSW-1', id: 'b923fa', host: HOSTS[0] },
          { model: 'SHSW-1', id: 'c923fa', host: HOSTS[1] },
        ],
      },
      HOSTS,
      seededRandom(1),
      0,
    );
  const finder = (devices: ReturnType<typeof fleet>) => (ref: string) =>
    devices.find((device) => device.identity.id === ref)!;

  it('lives on its devices’ host and owns exactly those devices', () => {
    const devices = fleet();
    const accounts = new Accounts(
      [{ userId: 6550, devices: ['a8032abe41fc', 'b923fa'] }],
      HOSTS,
      finder(devices),
    );
    const account = accounts.get(6550)!;

    expect(account.host).toBe(HOSTS[0]);
    expect(accounts.ownerOf(devices[1])).toBe(account);
    expect(accounts.ownerOf(devices[2])).toBeUndefined();
    expect(accounts.ownedDevice(account, 'A8032ABE41FC')).toBe(devices[0]);
    expect(accounts.ownedDevice(account, 'c923fa')).toBeUndefined();
  });

  it.each([
    ['devices on two hosts', [{ userId: 1, devices: ['b923fa', 'c923fa'] }]],
    [
      'a device with two owners',
      [
        { userId: 1, devices: ['b923fa'] },
        { userId: 2, devices: ['b923fa'] },
      ],
    ],
    [
      'the same user twice',
      [
        { userId: 1, devices: [] },
        { userId: 1, devices: [] },
      ],
    ],
    ['a user id that is not a positive integer', [{ userId: 0, devices: [] }]],
  ])('refuses %s', (_case, specs) => {
    const devices = fleet();

    expect(() => new Accounts(specs, HOSTS, finder(devices))).toThrow(SimulatorError);
  });

  it('moves with all its devices when its tenant is rebalanced', () => {
    const devices = fleet();
    const accounts = new Accounts(
      [{ userId: 6550, devices: ['a8032abe41fc', 'b923fa'] }],
      HOSTS,
      finder(devices),
    );

    accounts.move(accounts.get(6550)!, HOSTS[1]);

    expect(accounts.get(6550)!.host).toBe(HOSTS[1]);
    expect(devices.map((device) => device.host)).toEqual([HOSTS[1], HOSTS[1], HOSTS[1]]);
  });
});
