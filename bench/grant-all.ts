import { ShellySimulator } from '../src/simulator/simulator.server';

/** Grants every simulated device through signed consent callbacks, 16 at a time. */
export async function grantAll(sim: ShellySimulator): Promise<void> {
  const queue = [...sim.devices];
  const worker = async () => {
    for (let device = queue.pop(); device; device = queue.pop()) {
      const result = await sim.grantConsent(device, { userId: 1000 + (queue.length % 500) });
      if (!result.applied) throw new Error(`consent refused: ${result.status} ${result.body}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}
