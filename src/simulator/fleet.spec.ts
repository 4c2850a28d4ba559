import { buildFleet, FleetError } from './fleet';
import { deviceModels } from './device-models';
import { seededRandom } from './seeded-random';
import { cloudStatus } from './simulated-device';
import { hexIdOfDecimal } from './device-identity';

const NOW = Date.UTC(2025, 0, 1);
const HOSTS = ['a.shelly.cloud', 'b.shelly.cloud'];

describe('fleet', () => {
  it('builds the same devices and readings from the same seed', () => {
    const build = (seed: number) =>
      buildFleet({ count: 40 }, HOSTS, seededRandom(seed), NOW).map((device) => ({
        id: device.identity.id,
        host: device.host,
        status: cloudStatus(device, NOW),
      }));

    expect(build(9)).toEqual(build(9));
    expect(build(9)).not.toEqual(build(10));
  });

  it('cycles through every model and spreads devices over the hosts', () => {
    const fleet = buildFleet({ count: deviceModels.length * 2 }, HOSTS, seededRandom(1), NOW);

    expect(new Set(fleet.map((device) => device.model.code)).size).toBe(deviceModels.length);
    expect(fleet.filter((device) => device.host === HOSTS[0])).toHaveLength(deviceModels.length);
  });

  it('gives each device a hex id and the decimal rendering that converts back to it', () => {
    const fleet = buildFleet({ count: 200 }, HOSTS, seededRandom(2), NOW);

    for (const { identity, model } of fleet) {
      expect(identity.id).toMatch(model.idLength === 6 ? /^[0-9a-f]{6}$/ : /^[0-9a-f]{12}$/);
      expect(identity.deviceId).toBe(String(parseInt(identity.id, 16)));
      expect(hexIdOfDecimal(identity.deviceId)).toBe(identity.id);
    }
    expect(new Set(fleet.map((device) => device.identity.id)).size).toBe(200);
  });

  it('spreads ids over the whole range, ids that read both ways included', () => {
    const ids = buildFleet({ count: 200 }, HOSTS, seededRandom(3), NOW).map(
      (device) => device.identity,
    );
    const sixHex = ids.filter(({ id }) => id.length === 6);
    const twelveHex = ids.filter(({ id }) => id.length === 12);

    expect(sixHex.some(({ deviceId }) => deviceId.length <= 5)).toBe(true);
    expect(sixHex.some(({ deviceId }) => deviceId.length === 6)).toBe(true);
    expect(sixHex.some(({ deviceId }) => deviceId.length >= 7)).toBe(true);
    expect(twelveHex.some(({ id }) => /^\d{12}$/.test(id))).toBe(true);
    expect(twelveHex.some(({ deviceId }) => deviceId.length === 12)).toBe(true);
    expect(twelveHex.some(({ deviceId }) => deviceId.length === 15)).toBe(true);
  });

  it('takes explicit ids in hex or decimal, hosts and online state', () => {
    const [first, second] = buildFleet(
      {
        devices: [
          { model: 'SHSW-25', id: 'CC7B5C0C5D9C', host: HOSTS[1], online: false },
          { model: 'SHSW-1', id: '12133370' },
        ],
      },
      HOSTS,
      seededRandom(1),
      NOW,
    );

    expect(first.identity).toMatchObject({ id: 'cc7b5c0c5d9c', deviceId: '224830197357980' });
    expect(first).toMatchObject({ host: HOSTS[1], online: false });
    expect(second.identity).toMatchObject({ id: 'b923fa', hostname: 'shelly1-B923FA' });
  });

  it.each([
    [{ devices: [{ model: 'SHXX-9' }] }, /unknown model "SHXX-9"/],
    [{ devices: [{ model: 'SHSW-1', host: 'c.shelly.cloud' }] }, /not a simulated host/],
    [
      {
        devices: [
          { model: 'SHSW-1', id: 'b923fa' },
          { model: 'SHSW-1', id: '12133370' },
        ],
      },
      /appears twice/,
    ],
    [{ devices: [{ model: 'SHSW-1', id: 'XB-12' }] }, /not a Shelly device id/],
  ])('refuses a bad spec: %p', (spec, message) => {
    expect(() => buildFleet(spec, HOSTS, seededRandom(1), NOW)).toThrow(FleetError);
    expect(() => buildFleet(spec, HOSTS, seededRandom(1), NOW)).toThrow(message);
  });
});
