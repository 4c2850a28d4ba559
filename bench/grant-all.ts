import type { SimulatedDevice } from '../src/simulator/simulated-device';
import type { ConsentResult } from '../src/simulator/simulator.types';
import { ShellySimulator } from '../src/simulator/simulator.server';

/** Grants the devices (by default every simulated one) through signed consent callbacks, 16 at a time. */
export function grantAll(
  sim: ShellySimulator,
  devices: readonly SimulatedDevice[] = sim.devices,
): Promise<void> {
  return sixteenAtATime(devices, (device, index) =>
    sim.grantConsent(device, { userId: 1000 + (index % 500) }),
  );
}

/** Revokes the devices' consents through signed consent callbacks, 16 at a time. */
export function revokeAll(
  sim: ShellySimulator,
  devices: readonly SimulatedDevice[],
): Promise<void> {
  return sixteenAtATime(devices, (device) => sim.revokeConsent(device));
}

async function sixteenAtATime(
  devices: readonly SimulatedDevice[],
  change: (device: SimulatedDevice, index: number) => Promise<ConsentResult>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < devices.length) {
      const index = next++;
      const result = await change(devices[index], index);
      if (!result.applied)
        throw new Error(`consent change refused: ${result.status} ${result.body}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}
