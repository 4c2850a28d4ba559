import { hexIdOfDecimal } from './device-identity';
import { deviceModels, DeviceModel, findModel } from './device-models';
import { Random } from './seeded-random';
import { createSimulatedDevice, SimulatedDevice } from './simulated-device';

export interface FleetDeviceSpec {
  /** A model code from `deviceModels`, e.g. `SHSW-25` or `SNSW-001P16EU`. */
  model: string;
  /**
   * Hex id (6 or 12 hex characters), or the decimal rendering of a longer or shorter one; generated
   * from the seed when absent.
   */
  id?: string;
  /** Defaults to the hosts in turn. */
  host?: string;
  online?: boolean;
}

/** Either explicit devices, or `count` devices cycling through `models` (default: every model). */
export type FleetSpec = { devices: FleetDeviceSpec[] } | { count: number; models?: string[] };

/** Organisationally unique identifiers Shelly devices carry at the start of their MAC. */
const SHELLY_OUIS = [
  'a8032a',
  'cc7b5c',
  '485519',
  'e8db84',
  '34987a',
  'c8f09e',
  'ecfabc',
  '08b61f',
];

export class FleetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FleetError';
  }
}

export function buildFleet(
  spec: FleetSpec,
  hosts: readonly string[],
  rng: Random,
  now: number,
): SimulatedDevice[] {
  if (hosts.length === 0) throw new FleetError('at least one host is required');
  const specs: FleetDeviceSpec[] =
    'devices' in spec
      ? spec.devices
      : Array.from({ length: spec.count }, (_, index) => {
          const models = spec.models ?? deviceModels.map((model) => model.code);
          return { model: models[index % models.length] };
        });
  const taken = new Set<string>();
  return specs.map((device, index) => {
    const model = findModel(device.model);
    if (!model) {
      const known = deviceModels.map((candidate) => candidate.code).join(', ');
      throw new FleetError(`unknown model "${device.model}"; known models: ${known}`);
    }
    const host = device.host ?? hosts[index % hosts.length];
    if (!hosts.includes(host)) throw new FleetError(`host "${host}" is not a simulated host`);
    const hexId = device.id === undefined ? newId(model, rng, taken) : givenId(device.id);
    if (taken.has(hexId)) {
      throw new FleetError(`device id "${device.id}" appears twice`);
    }
    taken.add(hexId);
    return createSimulatedDevice({ model, hexId, host, rng, now, online: device.online });
  });
}

const HEX_ID = /^(?:[0-9a-f]{6}|[0-9a-f]{12})$/i;
const DECIMAL_ID = /^[1-9][0-9]{0,14}$/;

function givenId(id: string): string {
  if (HEX_ID.test(id)) return id.toLowerCase();
  if (DECIMAL_ID.test(id) && Number(id) < 2 ** 48) return hexIdOfDecimal(id);
  throw new FleetError(`"${id}" is not a Shelly device id (6 or 12 hex, or decimal)`);
}

/**
 * Ids from every band a reader of ids must tell apart: 6-hex ids whose decimal rendering has up to
 * five, exactly six (0x0186a0–0x0f423f: they read as hex too) or seven and eight digits; 12-hex ids
 * with a Shelly OUI, all of whose hex characters are digits, or whose decimal rendering has exactly
 * twelve digits.
 */
const idBands: Record<6 | 12, readonly ((rng: Random) => string)[]> = {
  6: [
    (rng) => hex6(rng.int(0x000001, 0x01869f)),
    (rng) => hex6(rng.int(0x0186a0, 0x0f423f)),
    (rng) => hex6(rng.int(0x0f4240, 0xffffff)),
  ],
  12: [
    (rng) => rng.pick(SHELLY_OUIS) + hex6(rng.int(0, 0xffffff)),
    (rng) => '485519' + String(rng.int(0, 999_999)).padStart(6, '0'),
    (rng) => rng.int(100_000_000_000, 999_999_999_999).toString(16).padStart(12, '0'),
  ],
};

function hex6(value: number): string {
  return value.toString(16).padStart(6, '0');
}

function newId(model: DeviceModel, rng: Random, taken: Set<string>): string {
  for (;;) {
    const id = rng.pick(idBands[model.idLength])(rng);
    if (!taken.has(id)) return id;
  }
}
