import { SessionManager } from '../../src/shelly/session-manager';
import { PublishBuffer } from '../../src/publish/publish-buffer';
import { Topics } from '../../src/config/topics';
import { ShellySimulator, SimulatorOptions } from '../../src/simulator/simulator.server';
import { RunningService, startService } from './app';
import { DeviceResync } from '../../src/resync/device-resync';
import { waitFor } from './eventually';
import { freePort } from './free-port';
import { testIntegratorToken } from './services';

/** The hosts whose session is up on this instance of the service. */
export function hostsUp(service: RunningService): string[] {
  return service.app
    .get(SessionManager)
    .states()
    .filter((s) => s.up)
    .map((s) => s.host);
}

export interface IngestRig {
  sim: ShellySimulator;
  service: RunningService;
  topics: Topics;
  /** Grants every device through signed callbacks to the service, except those listed. */
  grantAll(except?: readonly string[]): Promise<void>;
  waitForSessions(count: number): Promise<void>;
  /** Resolves once the service's publish buffer is empty. */
  waitForBufferEmpty(timeoutMs?: number): Promise<void>;
  /**
   * Resolves once every `DeviceVerify` the resyncs sent so far has ended and what they learned is
   * published: each session open and each grant verifies devices, and their states become events.
   */
  waitForResync(): Promise<void>;
  /**
   * Another instance of the service on the same database, topics and simulator (the callbacks
   * still go to the first); `DATABASE_URL` in `overrides` reaches the same database another way.
   */
  startReplica(overrides?: Record<string, string>): Promise<RunningService>;
  stop(): Promise<void>;
}

/** What the service needs to take the simulator for Shelly's cloud, with test-friendly timings. */
export function simulatorEnv(sim: ShellySimulator): Record<string, string> {
  return {
    SHELLY_TOKEN_URL: sim.tokenUrl,
    SHELLY_WS_URL_TEMPLATE: sim.wsUrlTemplate,
    SHELLY_UNSUBSCRIBE_URL_TEMPLATE: sim.unsubscribeUrlTemplate,
    SHELLY_CONSENT_PUBLIC_KEY: sim.publicKeyPem,
    SHELLY_OAUTH_LOGIN_URL: sim.loginUrl,
    SHELLY_OAUTH_API_URL_TEMPLATE: sim.cloudUrlTemplate,
    SHELLY_PING_INTERVAL_MS: '1000',
    SHELLY_RECONNECT_MIN_MS: '50',
    SHELLY_RECONNECT_MAX_MS: '500',
    INGEST_INCLUDE_RAW_STATUS: 'true',
    // A grant's verify often reaches the simulator before the callback's 200 that makes it apply
    // the grant; its UNAUTHORIZED is asked again this long after the grant, not 30 s.
    SHELLY_CONSENT_SETTLE_MS: '2000',
  };
}

/**
 * The simulator and the service wired to each other: the service takes its token and sockets from the
 * simulator and trusts its key; the simulator sends consent callbacks to the service. `database`: a
 * migrated database of the caller's (the service makes its own otherwise).
 */
export async function startIngestRig(
  options: {
    simulator?: Partial<SimulatorOptions>;
    env?: Record<string, string>;
    /** A migrated database the caller owns; by default a fresh one that stops with the rig. */
    database?: { url: string };
  } = {},
): Promise<IngestRig> {
  const port = await freePort();
  const sim = await ShellySimulator.start({
    integrators: [{ tag: 'ITG_TEST', token: testIntegratorToken }],
    seed: 7,
    callbackUrl: `http://127.0.0.1:${port}/v1/shelly/consent`,
    ...options.simulator,
  });
  const env = {
    HTTP_PORT: String(port),
    REPLICA_URL: `http://127.0.0.1:${port}`,
    CONSENT_CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
    ...simulatorEnv(sim),
    ...options.env,
  };
  const service = await startService(env, options.database).catch(async (error: unknown) => {
    await sim.stop();
    throw error;
  });
  const replicas: RunningService[] = [];
  return {
    sim,
    service,
    topics: service.config.kafka.topics,
    grantAll: async (except = []) => {
      for (const device of sim.devices) {
        if (except.includes(device.identity.id)) continue;
        const result = await sim.grantConsent(device, { userId: 48213 });
        if (!result.applied)
          throw new Error(`consent for ${device.identity.id}: ${result.status} ${result.body}`);
      }
    },
    waitForSessions: (count) =>
      waitFor(
        () =>
          service.app
            .get(SessionManager)
            .states()
            .filter((s) => s.up).length === count,
        10_000,
      ),
    waitForBufferEmpty: (timeoutMs = 30_000) =>
      waitFor(() => service.app.get(PublishBuffer).depth === 0, timeoutMs),
    waitForResync: async () => {
      await waitFor(() => service.app.get(DeviceResync).pending === 0, 20_000);
      await waitFor(() => service.app.get(PublishBuffer).depth === 0, 30_000);
    },
    startReplica: async (overrides = {}) => {
      const replicaPort = await freePort();
      const replica = await startService(
        {
          ...env,
          HTTP_PORT: String(replicaPort),
          REPLICA_URL: `http://127.0.0.1:${replicaPort}`,
          KAFKA_TOPIC_PREFIX: service.config.kafka.topicPrefix,
          ...overrides,
        },
        { url: overrides.DATABASE_URL ?? service.databaseUrl },
      );
      let stopped: Promise<void> | undefined;
      const once = { ...replica, stop: () => (stopped ??= replica.stop()) };
      replicas.push(once);
      return once;
    },
    stop: async () => {
      await Promise.all(replicas.map((replica) => replica.stop()));
      await service.stop();
      await sim.stop();
    },
  };
}
