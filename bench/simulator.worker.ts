import { parentPort, workerData } from 'node:worker_threads';
import { ShellySimulator } from '../src/simulator/simulator.server';

export interface SimulatorJob {
  callbackUrl: string;
  devices: number;
  integrators: { tag: string; token: string }[];
}

export interface SimulatorReady {
  url: string;
  tokenUrl: string;
  wsUrlTemplate: string;
  publicKeyPem: string;
  hosts: string[];
  devices: { id: string; deviceId: string; host: string }[];
}

export type SimulatorRequest =
  { type: 'grant'; integrator: string; callbackLost: boolean } | { type: 'stop' };

/**
 * The Shelly cloud simulator on a thread of its own: the cloud is another machine, so its work must
 * not queue behind the service's on one event loop. The main thread drives it with messages.
 */
async function run(job: SimulatorJob): Promise<void> {
  const simulator = await ShellySimulator.start({
    integrators: job.integrators,
    seed: 17,
    fleet: { count: job.devices, models: ['SNSW-001P16EU'] },
    callbackUrl: job.callbackUrl,
  });
  const ready: SimulatorReady = {
    url: simulator.url,
    tokenUrl: simulator.tokenUrl,
    wsUrlTemplate: simulator.wsUrlTemplate,
    publicKeyPem: simulator.publicKeyPem,
    hosts: [...simulator.hosts],
    devices: simulator.devices.map((d) => ({
      id: d.identity.id,
      deviceId: d.identity.deviceId,
      host: d.host,
    })),
  };
  parentPort?.postMessage(ready);
  parentPort?.on('message', (request: SimulatorRequest) => {
    void (async () => {
      if (request.type === 'stop') {
        await simulator.stop();
        parentPort?.postMessage({ stopped: true });
        parentPort?.close();
        return;
      }
      let granted = 0;
      for (const device of simulator.devices) {
        const result = await simulator.grantConsent(
          device,
          { userId: 48213, integrator: request.integrator },
          { callbackLost: request.callbackLost },
        );
        if (result.applied) granted++;
      }
      parentPort?.postMessage({ granted });
    })();
  });
}

void run(workerData as SimulatorJob);
