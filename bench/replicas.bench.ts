import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { topicNames } from '../src/config/topics';
import { ShellySimulator } from '../src/simulator/simulator.server';
import { freePort } from '../test/support/free-port';
import {
  createMigratedDatabase,
  deleteTopicsStartingWith,
  requireServices,
  uniqueName,
} from '../test/support/services';
import { createApiKeyWithCli } from '../test/support/api-key-cli';
import { hostsUpIn } from '../test/support/metrics-scrape';
import { resyncsOver } from './fleet';
import { grantAll } from './grant-all';
import { simulateAssignment } from './lease-assignment';
import { ServiceProcess, startProcess } from './service-process';
import { summarize } from './stats';
import { waitUntil } from './wait-until';

/** Often enough for the takeover time the bench measures by polling. */
const POLL_MS = 50;

const THROUGHPUT_MS = Number(process.env.BENCH_REPLICA_THROUGHPUT_MS ?? 20_000);
const COMMANDS = Number(process.env.BENCH_REPLICA_COMMANDS ?? 300);
const HOSTS = Array.from({ length: 8 }, (_, i) => `shelly-${101 + i}-eu.shelly.cloud`);
const DEVICES = 2_000;
const MODELS = ['SHSW-1', 'SHHT-1', 'SNSW-001P16EU', 'SNSW-102P16EU'];
const ITG = { tag: 'ITG_BENCH', token: 'bench-integrator-token-0123456789' };
const PEPPER = 'bench-pepper-0123456789abcdef0123456789abcdef';
/** The service's default. */
const SESSION_LEASE_TTL_MS = 15_000;

const log = (message: string) => process.stderr.write(`[bench:replicas] ${message}\n`);

/**
 * `npm run bench:replicas`: the service as 1, 2 and 3 processes sharing eight hosts of the simulator,
 * the local Kafka broker and Postgres. Measures ingest throughput with each count (all processes
 * and the simulator share this machine's cores, which bound the sum), how long the hosts of a
 * replica killed with SIGKILL take to be held again with the default SESSION_LEASE_TTL_MS, the
 * latency a command forwarded to the replica holding its host adds, and the lease assignment of
 * 1,000 hosts over 20 replicas in memory. Writes bench/results/replicas.json.
 */
async function main(): Promise<void> {
  const assignment = simulateAssignment(1_000, 20);
  log(`assignment of 1,000 hosts over 20 replicas: ${JSON.stringify(assignment)}`);

  const { kafkaBrokers } = requireServices();
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: kafkaBrokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const database = await createMigratedDatabase();
  const prefix = `${uniqueName('bench')}.`;
  const topics = topicNames(prefix);
  const firstPort = await freePort();
  const sim = await ShellySimulator.start({
    integrators: [ITG],
    hosts: HOSTS,
    fleet: { count: DEVICES, models: MODELS },
    seed: 3,
    callbackUrl: `http://127.0.0.1:${firstPort}/v1/shelly/consent`,
  });
  const replicas: ServiceProcess[] = [];
  const startReplica = async (port: number) => {
    const replica = await startProcess(
      'dist/main.js',
      {
        NODE_ENV: 'production',
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(port),
        MANAGEMENT_PORT: String(port),
        REPLICA_URL: `http://127.0.0.1:${port}`,
        LOG_LEVEL: 'warn',
        DATABASE_URL: database.url,
        KAFKA_BROKERS: kafkaBrokers,
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_TOPIC_PARTITIONS: '12',
        SHELLY_INTEGRATOR_TAG: ITG.tag,
        SHELLY_INTEGRATOR_TOKEN: ITG.token,
        API_KEY_PEPPER: PEPPER,
        SHELLY_TOKEN_URL: sim.tokenUrl,
        SHELLY_WS_URL_TEMPLATE: sim.wsUrlTemplate,
        SHELLY_ALLOW_INSECURE: 'true',
        SHELLY_CONSENT_PUBLIC_KEY: sim.publicKeyPem,
        CONTROL_RATE_PER_KEY: '0',
        CONTROL_RATE_PER_PARTNER: '0',
        CONTROL_RATE_PER_DEVICE: '0',
        CONSENT_CALLBACK_RATE_PER_IP: '0',
      },
      port,
    );
    replicas.push(replica);
    return replica;
  };
  const published = async () =>
    (await admin.fetchTopicOffsets(topics.deviceStatus)).reduce(
      (sum, p) => sum + Number(p.high),
      0,
    );
  const sumOver = async (live: ServiceProcess[], metric: string, labels?: string) =>
    (await Promise.all(live.map((replica) => replica.metric(metric, labels)))).reduce(
      (a, b) => a + b,
      0,
    );
  const resyncStatuses = () =>
    sumOver(replicas, 'shelly_ingest_resync_verify_outcomes_total', 'result="ok"');
  /** Every host held by one of `live`, none idle. */
  const balanced = (live: ServiceProcess[]) =>
    waitUntil(
      async () => {
        if (sim.connections().length !== HOSTS.length) return false;
        const owned = await Promise.all(
          live.map((replica) => replica.metric('shelly_ingest_session_keys_owned')),
        );
        return owned.every((n) => n > 0) && owned.reduce((a, b) => a + b) === HOSTS.length;
      },
      120_000,
      `the hosts spread over ${live.length} replicas`,
      POLL_MS,
    );

  try {
    await startReplica(firstPort);
    log(`granting ${DEVICES} devices`);
    await grantAll(sim);
    await balanced(replicas);

    const throughput: Record<string, { events_per_s: number; sent: number; published: number }> =
      {};
    for (let count = 1; count <= 3; count++) {
      if (count > 1) await startReplica(await freePort());
      await balanced(replicas);
      await resyncsOver(replicas, HOSTS.length);
      log(
        `throughput with ${count} replica(s), as fast as they take frames, ${THROUGHPUT_MS / 1000} s`,
      );
      const receivedBefore = await sumOver(replicas, 'shelly_ingest_frames_received_total');
      const publishedBefore = await published();
      const resyncStatusesBefore = await resyncStatuses();
      const started = performance.now();
      const report = await sim.load({ eventsPerSecond: 2_000_000, durationMs: THROUGHPUT_MS });
      await waitUntil(
        async () =>
          (await sumOver(replicas, 'shelly_ingest_frames_received_total')) - receivedBefore >=
            report.framesSent && (await sumOver(replicas, 'shelly_ingest_buffer_events')) === 0,
        120_000,
        'the replicas to publish everything they were sent',
        POLL_MS,
      );
      const seconds = (performance.now() - started) / 1000;
      // A resync after a session moved publishes states that are no frames the simulator sent.
      const count_published =
        (await published()) - publishedBefore - ((await resyncStatuses()) - resyncStatusesBefore);
      throughput[count] = {
        events_per_s: Math.round(count_published / seconds),
        sent: report.framesSent,
        published: count_published,
      };
      log(`${count} replica(s): ${JSON.stringify(throughput[count])}`);
    }

    log('forwarded commands: the same device command sent to its holder, then to another replica');
    const key = createApiKeyWithCli(database.url, PEPPER, 'control');
    const [first, second] = replicas;
    const heldByFirst = await hostsUpIn(first.url);
    const device = sim.devices.find(
      (d) => heldByFirst.includes(d.host) && d.model.code === 'SNSW-001P16EU',
    );
    if (!device) throw new Error('no Plus 1PM on a host of the first replica');
    const direct = await timeCommands(first.url, device.identity.id, key);
    const forwarded = await timeCommands(second.url, device.identity.id, key);
    const commands = {
      commands: COMMANDS,
      to_holder_ms: direct,
      forwarded_ms: forwarded,
      added_ms: { p50: round(forwarded.p50 - direct.p50), p99: round(forwarded.p99 - direct.p99) },
    };
    log(`commands: ${JSON.stringify(commands)}`);

    log(
      `takeover: SIGKILL of a replica, SESSION_LEASE_TTL_MS ${SESSION_LEASE_TTL_MS} (the default)`,
    );
    const victim = replicas[2];
    const orphaned = (await hostsUpIn(victim.url)).length;
    const killedAt = performance.now();
    await victim.kill();
    replicas.splice(replicas.indexOf(victim), 1);
    await waitUntil(
      () => Promise.resolve(sim.connections().length < HOSTS.length),
      10_000,
      'the simulator to see the sockets of the killed replica close',
      POLL_MS,
    );
    await waitUntil(
      () => Promise.resolve(sim.connections().length === HOSTS.length),
      60_000,
      'the hosts of the killed replica to be held again',
      POLL_MS,
    );
    const takeover = {
      ttl_ms: SESSION_LEASE_TTL_MS,
      hosts_taken_over: orphaned,
      all_held_again_after_ms: Math.round(performance.now() - killedAt),
    };
    log(`takeover: ${JSON.stringify(takeover)}`);

    const result = {
      measured_at: new Date().toISOString(),
      hosts: HOSTS.length,
      devices: DEVICES,
      throughput_s: THROUGHPUT_MS / 1000,
      note: 'every replica, the simulator and the broker share this machine: with 2 cores, the sum is bounded by the cores, not by the replicas',
      events_per_s_by_replicas: throughput,
      takeover_after_sigkill: takeover,
      forwarded_command: commands,
      assignment_1000_hosts_20_replicas: assignment,
    };
    writeFileSync(
      resolve(__dirname, '../../bench/results/replicas.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await deleteTopicsStartingWith(kafkaBrokers, prefix);
    await admin.disconnect();
    await sim.stop();
    await database.drop();
  }
}

async function timeCommands(url: string, deviceId: string, key: string) {
  const latencies: number[] = [];
  for (let i = 0; i < COMMANDS; i++) {
    const started = performance.now();
    const response = await fetch(`${url}/v1/devices/${deviceId}/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'relay', channel: 0, action: 'toggle' }),
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`command answered ${response.status}`);
    latencies.push(performance.now() - started);
  }
  return summarize(latencies.slice(Math.floor(COMMANDS / 10)));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
