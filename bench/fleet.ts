import type { Admin } from 'kafkajs';
import { ShellySimulator } from '../src/simulator/simulator.server';
import type { ServiceProcess } from './service-process';
import { waitUntil } from './wait-until';

/** The fleet of the ingest and soak benchmarks: 10,000 devices on 4 hosts. */
export const DEVICES = 10_000;
export const HOSTS = [101, 102, 103, 104].map((n) => `shelly-${n}-eu.shelly.cloud`);
/** Gen1 and Gen2 models whose status frames weigh 0.7–1.1 KB. */
const MODELS = [
  'SHSW-1',
  'SHHT-1',
  'SHDW-2',
  'SNSW-001P16EU',
  'SNSW-102P16EU',
  'SNDM-0013US',
  'SNSN-0013A',
  'SNSN-0024X',
];
export const ITG = { tag: 'ITG_BENCH', token: 'bench-integrator-token-0123456789' };
/** Of every topic, the service's and the baselines'. */
export const PARTITIONS = 12;

/** The simulated cloud with the fleet, calling back the service on `servicePort`. */
export function startFleet(servicePort: number): Promise<ShellySimulator> {
  return ShellySimulator.start({
    integrators: [ITG],
    hosts: HOSTS,
    fleet: { count: DEVICES, models: MODELS },
    seed: 1,
    callbackUrl: `http://127.0.0.1:${servicePort}/v1/shelly/consent`,
  });
}

/** The service's settings against the fleet: production mode, one port for API and metrics. */
export function fleetServiceEnv(
  sim: ShellySimulator,
  settings: { port: number; databaseUrl: string; kafkaBrokers: string; topicPrefix: string },
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(settings.port),
    // One port, as the baseline's: the same probe and scrape for both.
    MANAGEMENT_PORT: String(settings.port),
    LOG_LEVEL: 'warn',
    DATABASE_URL: settings.databaseUrl,
    KAFKA_BROKERS: settings.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: settings.topicPrefix,
    KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    SHELLY_INTEGRATOR_TAG: ITG.tag,
    SHELLY_INTEGRATOR_TOKEN: ITG.token,
    API_KEY_PEPPER: 'bench-pepper-0123456789abcdef0123456789abcdef',
    SHELLY_TOKEN_URL: sim.tokenUrl,
    SHELLY_WS_URL_TEMPLATE: sim.wsUrlTemplate,
    SHELLY_ALLOW_INSECURE: 'true',
    SHELLY_CONSENT_PUBLIC_KEY: sim.publicKeyPem,
    // Every device is granted from this one address at start.
    CONSENT_CALLBACK_RATE_PER_IP: '0',
  };
}

/** Waits until the service holds a socket to every host of the fleet. */
export function sessionsUp(sim: ShellySimulator): Promise<void> {
  return waitUntil(
    () => Promise.resolve(sim.connections().length === HOSTS.length),
    30_000,
    'a session to every host',
  );
}

/**
 * Waits until `hosts` sessions are open on `services` and their resyncs are over: each session open,
 * and each grant, verifies devices and publishes their states, which are no frames the simulator
 * sent and a load of the start, not of the steady state a benchmark measures. A session counts as
 * open on the service in the same turn as its resync is queued.
 */
export async function resyncsOver(
  services: readonly ServiceProcess[],
  hosts: number,
): Promise<void> {
  await waitUntil(
    async () => {
      let open = 0;
      let pending = 0;
      for (const service of services) {
        const metrics = await service.metrics();
        open += metrics('shelly_ingest_session_up');
        pending +=
          metrics('shelly_ingest_resync_devices_pending') + metrics('shelly_ingest_buffer_events');
      }
      return open === hosts && pending === 0;
    },
    300_000,
    'the sessions to open and their resyncs to end',
    250,
  );
}

/** Records written to a topic so far, over all its partitions. */
export async function messagesIn(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
}
