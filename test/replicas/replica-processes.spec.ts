import { ShellySimulator } from '../../src/simulator/simulator.server';
import { SimulatedDevice } from '../../src/simulator/simulated-device';
import { createApiKeyWithCli } from '../support/api-key-cli';
import { eventually, waitFor } from '../support/eventually';
import { simulatorEnv } from '../support/ingest';
import { readTopic } from '../support/kafka-reader';
import { LoadBalancer, startLoadBalancer } from '../support/load-balancer';
import { hostsUpIn, metricValue } from '../support/metrics-scrape';
import { OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import {
  createMigratedDatabase,
  requireServices,
  testApiKeyPepper,
  testConfig,
  testIntegratorToken,
  uniqueTopicPrefix,
} from '../support/services';

const { kafkaBrokers } = requireServices();
const HOSTS = Array.from({ length: 8 }, (_, i) => `shelly-${121 + i}-eu.shelly.cloud`);
const TTL_MS = 3_000;
/** Long enough for the balancer's probe to notice, and for a callback sent in the drain to end in it. */
const SHUTDOWN_DRAIN_MS = 3_000;
const OWNER = 48213;
/** The answers a caller may get from a command while replicas come and go, each with its code. */
const CLEAR_REFUSALS = new Set(['host_session_down', 'command_timeout', 'device_offline']);

interface CommandAnswer {
  status: number;
  code?: string;
}

describe('three service processes sharing eight hosts', () => {
  let database: { url: string; drop(): Promise<void> };
  let sim: ShellySimulator;
  let balancer: LoadBalancer;
  let topicPrefix: string;
  let replicas: ServiceProcess[];
  let traces: OtlpReceiver;

  beforeEach(async () => {
    database = await createMigratedDatabase();
    traces = await startOtlpReceiver();
    balancer = await startLoadBalancer();
    sim = await ShellySimulator.start({
      integrators: [{ tag: 'ITG_TEST', token: testIntegratorToken }],
      seed: 11,
      callbackUrl: `${balancer.url}/v1/shelly/consent`,
      hosts: HOSTS,
      fleet: {
        devices: HOSTS.flatMap((host) => [0, 1].map(() => ({ model: 'SNSW-001P16EU', host }))),
      },
    });
    topicPrefix = uniqueTopicPrefix();
    replicas = [];
  });

  afterEach(async () => {
    await Promise.all(replicas.map((replica) => replica.signal('SIGKILL')));
    await balancer.close();
    await traces.close();
    await sim.stop();
    await database.drop();
  });

  async function startReplica(): Promise<ServiceProcess> {
    const replica = await startServiceProcess({
      DATABASE_URL: database.url,
      KAFKA_TOPIC_PREFIX: topicPrefix,
      KAFKA_TOPIC_PARTITIONS: '3',
      CONSENT_CALLBACK_BASE_URL: balancer.url,
      SESSION_LEASE_TTL_MS: String(TTL_MS),
      SHUTDOWN_DRAIN_MS: String(SHUTDOWN_DRAIN_MS),
      CONTROL_RATE_PER_KEY: '0',
      CONTROL_RATE_PER_PARTNER: '0',
      CONTROL_RATE_PER_DEVICE: '0',
      ...simulatorEnv(sim),
      // Four processes and the simulator on two cores: a pong late by a second must not replace a
      // socket, which loses what was in flight on it; only handoffs are under test here.
      SHELLY_PING_INTERVAL_MS: '5000',
      OTEL_EXPORTER_OTLP_ENDPOINT: traces.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    balancer.add(replica);
    replicas.push(replica);
    await waitFor(() => balancer.inRotation(replica), 30_000);
    return replica;
  }

  /** Grants through the balancer, or straight to `callbackUrl`. */
  async function grant(device: SimulatedDevice, callbackUrl?: string): Promise<void> {
    const link =
      callbackUrl &&
      `https://my.shelly.cloud/integrator.html?itg=ITG_TEST&cb=${encodeURIComponent(callbackUrl)}`;
    const result = await sim.grantConsent(device, { userId: OWNER, link });
    if (!result.applied)
      throw new Error(`consent for ${device.identity.id}: ${result.status} ${result.body}`);
  }

  /** Every host has one socket, and the replicas' own view agrees: each holds its share. */
  async function expectBalanced(live: readonly ServiceProcess[]): Promise<void> {
    await eventually(async () => {
      expect(
        sim
          .connections()
          .map((c) => c.host)
          .sort(),
      ).toEqual([...HOSTS].sort());
      const held = await Promise.all(live.map((replica) => hostsUpIn(replica.managementUrl)));
      expect(held.flat().sort()).toEqual([...HOSTS].sort());
      for (const hosts of held) {
        expect(hosts.length).toBeGreaterThan(0);
        expect(hosts.length).toBeLessThanOrEqual(Math.ceil(HOSTS.length / live.length) + 1);
      }
    }, 30_000);
  }

  function topicName(name: 'deviceStatus'): string {
    return testConfig(database.url, { KAFKA_TOPIC_PREFIX: topicPrefix }).kafka.topics[name];
  }

  it('balances the hosts, passes a command on to the holder as one trace, and after one is killed with SIGKILL the others take its hosts over and ingest them', async () => {
    await Promise.all([startReplica(), startReplica(), startReplica()]);
    for (const device of sim.devices) await grant(device);
    await expectBalanced(replicas);

    const [asked] = replicas;
    const heldHere = await hostsUpIn(asked.managementUrl);
    const elsewhere = sim.devices.find((d) => !heldHere.includes(d.host)) as SimulatedDevice;
    const key = createApiKeyWithCli(database.url, testApiKeyPepper, 'control');
    const answer = await fetch(`${asked.url}/v1/devices/${elsewhere.identity.id}/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'relay', channel: 0, action: 'on' }),
    });
    expect(answer.status).toBe(200);
    await eventually(() => {
      const served = traces.spans.filter(
        (span) =>
          span.name === 'POST /v1/devices/:id/commands' &&
          span.attributes['shelly.device.id'] === elsewhere.identity.id,
      );
      expect(served).toHaveLength(2);
      expect(served[0].traceId).toBe(served[1].traceId);
      expect(new Set(served.map((span) => span.resource['service.instance.id'])).size).toBe(2);
    }, 10_000);

    const victim = replicas[1];
    const orphaned = await hostsUpIn(victim.managementUrl);
    await victim.signal('SIGKILL');
    const survivors = replicas.filter((replica) => replica !== victim);
    await expectBalanced(survivors);

    for (const host of HOSTS) expect(sim.peakConnections(host)).toBe(1);
    const takeovers = await Promise.all(
      survivors.map((replica) =>
        metricValue(
          replica.managementUrl,
          'shelly_ingest_session_leases_acquired_total',
          'how="takeover"',
        ),
      ),
    );
    expect(takeovers.reduce((a, b) => a + b)).toBe(orphaned.length);
    const device = sim.devices.find((d) => d.host === orphaned[0]) as SimulatedDevice;
    const before = sim.statusFramesDelivered(device);
    expect(sim.emitStatus(device)).toBe(1);
    await readTopic(kafkaBrokers, topicName('deviceStatus'), (messages) => {
      const live = messages.filter(
        (m) =>
          m.key === device.identity.id &&
          (m.value as { source: { resync?: boolean } }).source.resync === undefined,
      );
      return live.length > before;
    });
  }, 120_000);

  it('keeps answering through a rolling restart of all three: every command answered, every callback taken, every frame on Kafka, one socket per host', async () => {
    // The second device of six hosts, granted during the restart; their hosts have sessions already.
    const reserved = [1, 3, 5, 7, 9, 11].map((index) => sim.devices[index]);
    await Promise.all([startReplica(), startReplica(), startReplica()]);
    for (const device of sim.devices) if (!reserved.includes(device)) await grant(device);
    await expectBalanced(replicas);
    const key = createApiKeyWithCli(database.url, testApiKeyPepper, 'read,control');

    let flowing = true;
    const granted = () => sim.devices.filter((d) => !reserved.includes(d));
    const emitting = (async () => {
      for (let turn = 0; flowing; turn++) {
        const devices = granted();
        sim.emitStatus(devices[turn % devices.length]);
        await new Promise((wake) => setTimeout(wake, 10));
      }
    })();
    const answers: CommandAnswer[] = [];
    const commanding = (async () => {
      for (let turn = 0; flowing; turn++) {
        const devices = granted();
        const device = devices[(turn * 7) % devices.length];
        const response = await fetch(`${balancer.url}/v1/devices/${device.identity.id}/commands`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'relay', channel: 0, action: 'toggle' }),
        });
        const body = (await response.json()) as { code?: string };
        answers.push({ status: response.status, code: body.code });
        await new Promise((wake) => setTimeout(wake, 50));
      }
    })();

    const old = [...replicas];
    for (const [index, leaving] of old.entries()) {
      await startReplica();
      const exit = leaving.signal('SIGTERM');
      await eventually(
        async () => expect((await fetch(`${leaving.managementUrl}/health/ready`)).status).toBe(503),
        SHUTDOWN_DRAIN_MS,
      );
      // Consent callbacks while a replica drains: one that reached it before the balancer took it
      // out, and one to whichever replica the balancer picks.
      await grant(reserved[2 * index], `${leaving.url}/v1/shelly/consent`);
      await grant(reserved[2 * index + 1]);
      expect((await exit).code).toBe(0);
    }
    const live = replicas.filter((replica) => !old.includes(replica));
    await expectBalanced(live);
    flowing = false;
    await Promise.all([emitting, commanding]);

    for (const host of HOSTS) expect(sim.peakConnections(host)).toBe(1);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(0);
    for (const answer of answers) {
      if (answer.status !== 200) expect(CLEAR_REFUSALS).toContain(answer.code);
    }
    const delivered = new Map(
      sim.devices.map((device) => [device.identity.id, sim.statusFramesDelivered(device)]),
    );
    const ingested = new Map<string, number>();
    await readTopic(
      kafkaBrokers,
      topicName('deviceStatus'),
      (messages) => {
        ingested.clear();
        for (const message of messages) {
          if ((message.value as { source: { resync?: boolean } }).source.resync !== undefined)
            continue;
          ingested.set(message.key as string, (ingested.get(message.key as string) ?? 0) + 1);
        }
        return [...delivered].every(([id, count]) => (ingested.get(id) ?? 0) >= count);
      },
      60_000,
    );
    expect(ingested).toEqual(new Map([...delivered].filter(([, count]) => count > 0)));
  }, 240_000);
});
