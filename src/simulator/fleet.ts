import { toHexDeviceId } from '../common';
import { deviceModels, DeviceModel, findModel } from './device-models';
import { Random } from './seeded-random';
import { createSimulatedDevice, SimulatedDevice } from './simulated-device';

export interface FleetDeviceSpec {
  /** A model code from `deviceModels`, e.g. `SHSW-25` or `SNSW-001P16EU`. */
  model: string;
  /** Hex or decimal id; generated from the seed when absent. */
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

function givenId(id: string): string {
  const hex = toHexDeviceId(id);
  if (hex === undefined || hex.startsWith('X')) {
    throw new FleetError(`"${id}" is not a Shelly device id (6 or 12 hex, or decimal)`);
  }
  return hex;
}

/**
 * 6-hex ids start at 0x100000 so that their decimal form has 7 or 8 digits: a 6-digit decimal would
 * read as hex under the ambiguity rule of `toHexDeviceId`.
 */
function newId(model: DeviceModel, rng: Random, taken: Set<string>): string {
  for (;;) {
    const id =
      model.idLength === 6
        ? rng.int(0x100000, 0xffffff).toString(16)
        : rng.pick(SHELLY_OUIS) + rng.int(0, 0xffffff).toString(16).padStart(6, '0');
    if (!taken.has(id)) return id;
  }
}
