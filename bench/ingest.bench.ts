import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Kafka, logLevel } from 'kafkajs';
import { readVariables } from '../src/config/config';
import { topicNames } from '../src/config/topics';
import type { ShellySimulator } from '../src/simulator/simulator.server';
import { freePort } from '../test/support/free-port';
import { readTopic } from '../test/support/kafka-reader';
import {
  createMigratedDatabase,
  deleteTopicsStartingWith,
  requireServices,
  uniqueName,
} from '../test/support/services';
import {
  DEVICES,
  fleetServiceEnv,
  HOSTS,
  ITG,
  messagesIn,
  PARTITIONS,
  resyncsOver,
  startFleet,
} from './fleet';
import { grantAll } from './grant-all';
import { renderChart, renderTable } from './report';
import {
  histogramPercentileMs,
  MemorySample,
  ServiceProcess,
  startProcess,
} from './service-process';
import { round, summarize } from './stats';
import { sleep, waitUntil } from './wait-until';

const env = process.env;
const THROUGHPUT_MS = Number(env.BENCH_THROUGHPUT_MS ?? 60_000);
const LATENCY_MS = Number(env.BENCH_LATENCY_MS ?? 15_000);
const LATENCY_RATES = [1_000, 5_000, 20_000];
/**
 * Old-generation limit of the memory-bounded run: what the chart sets for a 512 MiB container. With
 * 160 MB the 10,000 devices' service ran out of heap in one run of two.
 */
const HEAP_CAP_MB = 256;
/** The service's default Kafka client carries every run; the other one is measured for throughput. */
const DEFAULT_CLIENT = readVariables({}, ['KAFKA_CLIENT']).KAFKA_CLIENT;
const OTHER_CLIENT = DEFAULT_CLIENT === 'kafkajs' ? 'platformatic' : 'kafkajs';
const results = resolve(__dirname, '../../bench/results');

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/**
 * `npm run bench`: the service as its own process against the simulator (10,000 devices on 4 hosts),
 * the local Kafka broker and Postgres. Measures sustained ingest throughput with the accounting of
 * every frame (with each Kafka client), latency at fixed rates and memory (with the default client),
 * and two baselines on the same broker; then runs the
 * consent and command benchmarks and writes bench/results/latest.{json,md,svg}.
 */
async function main(): Promise<void> {
  const { kafkaBrokers, databaseUrl } = requireServices();
  const brokers = kafkaBrokers.split(',');
  const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING });
  const database = await createMigratedDatabase();
  const prefix = `${uniqueName('bench')}.`;
  const topics = topicNames(prefix);
  const port = await freePort();
  const sim = await startFleet(port);
  const serviceEnv = {
    ...fleetServiceEnv(sim, { port, databaseUrl: database.url, kafkaBrokers, topicPrefix: prefix }),
    // Each start verifies the whole fleet before anything is measured: at the default 20 per
    // second and session that would take two minutes per start.
    SHELLY_RESYNC_VERIFIES_PER_SECOND: '1000',
  };
  /** `BENCH_PROFILE_DIR=<dir>` writes a CPU profile of each service process there. */
  const serviceArgs = env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_PROFILE_DIR}`]
    : [];
  const admin = kafka.admin();
  await admin.connect();
  const statusMessages = () => messagesIn(admin, topics.deviceStatus);
  /** The service again, once the consents are in the database, with settings changed for one run. */
  const restart = async (overrides: Record<string, string>, nodeArgs: string[] = []) => {
    const started = await startProcess('dist/main.js', { ...serviceEnv, ...overrides }, port, [
      ...nodeArgs,
      ...serviceArgs,
    ]);
    await resyncsOver([started], HOSTS.length);
    return started;
  };

  try {
    let service = await startProcess('dist/main.js', serviceEnv, port, serviceArgs);
    log(`granting ${DEVICES} devices through signed consent callbacks`);
    await grantAll(sim);
    await resyncsOver([service], HOSTS.length);
    await sleep(2_000);
    const idle = await service.memory();

    log(
      `throughput with ${DEFAULT_CLIENT} (the default client): as fast as the service takes frames, for ${THROUGHPUT_MS / 1000} s`,
    );
    const throughput = await measureThroughput(sim, service, statusMessages);
    const recordBytes = await averageRecordBytes(kafkaBrokers, topics.deviceStatus);
    await service.stop();

    log(`throughput with ${OTHER_CLIENT} behind the same publisher port`);
    service = await restart({ KAFKA_CLIENT: OTHER_CLIENT });
    const other = await measureThroughput(sim, service, statusMessages);
    await service.stop();

    log(`throughput with ${DEFAULT_CLIENT} and the V8 heap capped at ${HEAP_CAP_MB} MB`);
    service = await restart({}, [`--max-old-space-size=${HEAP_CAP_MB}`]);
    await sleep(2_000);
    const cappedIdle = await service.memory();
    const capped = await measureThroughput(sim, service, statusMessages);
    await service.stop();

    log('latency: fixed rates, raw status included so that the send time reaches the consumer');
    service = await restart({ INGEST_INCLUDE_RAW_STATUS: 'true' });
    const latency = await measureLatency(sim, service, brokers, topics.deviceStatus);
    await service.stop();

    log('baseline: Apache Kafka ProducerPerformance, same record count and size');
    const rawTopic = `${prefix}raw-producer`;
    await admin.createTopics({ topics: [{ topic: rawTopic, numPartitions: PARTITIONS }] });
    const rawProducer = runProducerPerformance(
      kafkaBrokers,
      rawTopic,
      throughput.sent,
      recordBytes,
    );

    const minimalTopic = `${prefix}minimal`;
    await admin.createTopics({ topics: [{ topic: minimalTopic, numPartitions: PARTITIONS }] });
    const minimalWith = async (client: string) => {
      log(`baseline: minimal pipeline (ws, JSON.parse, ${client})`);
      return measureMinimalPipeline(sim, minimalTopic, kafkaBrokers, client);
    };
    const minimal = await minimalWith(DEFAULT_CLIENT);
    const otherMinimal = await minimalWith(OTHER_CLIENT);

    const ingest = {
      devices: DEVICES,
      hosts: HOSTS.length,
      duration_s: THROUGHPUT_MS / 1000,
      average_frame_bytes: Math.round(throughput.bytesSent / throughput.sent),
      average_record_bytes: recordBytes,
      max_events_per_s: throughput.eventsPerSecond,
      cpu_us_per_event: throughput.cpuUsPerEvent,
      sent: throughput.sent,
      published: throughput.published,
      dead_lettered: throughput.deadLettered,
      dropped_by_policy: throughput.dropped,
      lost: throughput.sent - throughput.published - throughput.deadLettered - throughput.dropped,
      raw_producer_events_per_s: rawProducer,
      minimal_pipeline_events_per_s: minimal.eventsPerSecond,
      minimal_pipeline_cpu_us_per_event: minimal.cpuUsPerEvent,
      ratio_vs_raw_producer: round(throughput.eventsPerSecond / rawProducer, 3),
      ratio_vs_minimal_pipeline: round(throughput.eventsPerSecond / minimal.eventsPerSecond, 3),
      cpu_ratio_vs_minimal_pipeline: round(throughput.cpuUsPerEvent / minimal.cpuUsPerEvent, 2),
      latency_ms: latency.endToEnd,
      service_latency_ms: latency.insideService,
      memory_mb: {
        idle: memoryFigures(idle),
        peak: memoryFigures(throughput.memoryPeak),
        heap_capped: {
          heap_limit_mb: HEAP_CAP_MB,
          idle: memoryFigures(cappedIdle),
          peak: memoryFigures(capped.memoryPeak),
          max_events_per_s: capped.eventsPerSecond,
          lost: capped.sent - capped.published - capped.deadLettered - capped.dropped,
        },
      },
      kafka_client: DEFAULT_CLIENT,
      other_kafka_client: {
        name: OTHER_CLIENT,
        max_events_per_s: other.eventsPerSecond,
        cpu_us_per_event: other.cpuUsPerEvent,
        sent: other.sent,
        published: other.published,
        lost: other.sent - other.published - other.deadLettered - other.dropped,
        minimal_pipeline_events_per_s: otherMinimal.eventsPerSecond,
        minimal_pipeline_cpu_us_per_event: otherMinimal.cpuUsPerEvent,
        ratio_vs_raw_producer: round(other.eventsPerSecond / rawProducer, 3),
        ratio_vs_minimal_pipeline: round(other.eventsPerSecond / otherMinimal.eventsPerSecond, 3),
        cpu_ratio_vs_minimal_pipeline: round(other.cpuUsPerEvent / otherMinimal.cpuUsPerEvent, 2),
        rss_mb_max: other.memoryPeak.rss,
      },
    };
    log('consent and command benchmarks');
    const consent = runSiblingBench('consent-callbacks.bench.js', 'consent.json');
    const commands = runSiblingBench('commands.bench.js', 'commands.json');
    log('replicas benchmark');
    const replicas = runSiblingBench('replicas.bench.js', 'replicas.json');
    const latest = {
      measured_at: new Date().toISOString(),
      machine: machineSummary(),
      ingest,
      commands,
      consent,
      replicas,
    };
    writeFileSync(resolve(results, 'latest.json'), `${JSON.stringify(latest, null, 2)}\n`);
    writeFileSync(resolve(results, 'latest.md'), renderTable(latest));
    writeFileSync(resolve(results, 'latest.svg'), renderChart(latest));
    process.stdout.write(`${JSON.stringify(latest, null, 2)}\n`);
  } finally {
    await deleteTopicsStartingWith(kafkaBrokers, prefix);
    await admin.disconnect();
    await sim.stop();
    await database.drop();
  }
  void databaseUrl;
}

async function measureThroughput(
  sim: ShellySimulator,
  service: ServiceProcess,
  statusMessages: () => Promise<number>,
) {
  const received = () => service.metric('shelly_ingest_frames_received_total');
  const counts = async () => ({
    received: await received(),
    published: await statusMessages(),
    deadLettered: await service.metric('shelly_ingest_frames_dead_lettered_total'),
    dropped: await service.metric('shelly_ingest_frames_dropped_total'),
    // A resync after a reconnect publishes states that are no frames the simulator sent.
    resyncStatuses: await service.metric(
      'shelly_ingest_resync_verify_outcomes_total',
      'result="ok"',
    ),
  });
  const before = await counts();
  let memoryPeak = await service.memory();
  const sampler = setInterval(
    () => void service.memory().then((now) => (memoryPeak = highestOfEach(memoryPeak, now))),
    500,
  );
  const started = performance.now();
  const cpuBefore = service.cpuSeconds();
  const report = await sim.load({ eventsPerSecond: 2_000_000, durationMs: THROUGHPUT_MS });
  await waitUntil(
    async () =>
      (await received()) - before.received >= report.framesSent &&
      (await service.metric('shelly_ingest_buffer_events')) === 0,
    120_000,
    'the service to publish everything it was sent',
  );
  const cpuSeconds = service.cpuSeconds() - cpuBefore;
  const elapsedS = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const after = await counts();
  const published =
    after.published - before.published - (after.resyncStatuses - before.resyncStatuses);
  return {
    sent: report.framesSent,
    bytesSent: report.bytesSent,
    published,
    deadLettered: after.deadLettered - before.deadLettered,
    dropped: after.dropped - before.dropped,
    eventsPerSecond: Math.round(published / elapsedS),
    cpuUsPerEvent: microsecondsPerEvent(cpuSeconds, published),
    memoryPeak,
  };
}

/** Each figure's highest value: the peaks may come from different samples. */
function highestOfEach(a: MemorySample, b: MemorySample): MemorySample {
  return {
    rss: Math.max(a.rss, b.rss),
    heapUsed: Math.max(a.heapUsed, b.heapUsed),
    heapTotal: Math.max(a.heapTotal, b.heapTotal),
    external: Math.max(a.external, b.external),
  };
}

function memoryFigures(m: MemorySample) {
  return { rss: m.rss, heap_used: m.heapUsed, heap_total: m.heapTotal, external: m.external };
}

async function measureLatency(
  sim: ShellySimulator,
  service: ServiceProcess,
  brokers: string[],
  topic: string,
) {
  const worker = new Worker(resolve(__dirname, 'latency-consumer.worker.js'), {
    workerData: { brokers: brokers.join(','), topic },
  });
  const next = <T>(kind: string) =>
    new Promise<T>((done) => {
      const listener = (message: { kind: string } & T) => {
        if (message.kind !== kind) return;
        worker.off('message', listener);
        done(message);
      };
      worker.on('message', listener);
    });
  await next('ready');
  const endToEnd: Record<string, ReturnType<typeof summarize>> = {};
  const insideService: Record<string, { p50: number; p99: number }> = {};
  for (const rate of LATENCY_RATES) {
    log(`latency at ${rate} events/s`);
    const before = await service.histogram('shelly_ingest_event_latency_seconds');
    await sim.load({ eventsPerSecond: rate, durationMs: LATENCY_MS });
    await sleep(3_000);
    const after = await service.histogram('shelly_ingest_event_latency_seconds');
    const collected = next<{ latencies: number[] }>('latencies');
    worker.postMessage({ kind: 'collect' });
    endToEnd[rate] = summarize((await collected).latencies);
    insideService[rate] = {
      p50: histogramPercentileMs(before, after, 50),
      p99: histogramPercentileMs(before, after, 99),
    };
  }
  worker.postMessage({ kind: 'stop' });
  return { endToEnd, insideService };
}

async function averageRecordBytes(brokers: string, topic: string): Promise<number> {
  const sample = await readTopic(brokers, topic, (messages) => messages.length >= 500);
  const bytes = sample.reduce((sum, m) => sum + Buffer.byteLength(JSON.stringify(m.value)), 0);
  return Math.round(bytes / sample.length);
}

function runProducerPerformance(
  brokers: string,
  topic: string,
  records: number,
  recordBytes: number,
): number {
  const output = execFileSync(
    'bash',
    [
      resolve(__dirname, '../../deploy/local/kafka/run-class.sh'),
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(recordBytes),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${brokers}`,
      'acks=all',
      'enable.idempotence=true',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const summary = output
    .trim()
    .split('\n')
    .reverse()
    .find((line) => line.includes('records sent'));
  const perSecond = Number(/([\d.]+) records\/sec/.exec(summary ?? '')?.[1]);
  if (!Number.isFinite(perSecond))
    throw new Error(`unexpected ProducerPerformance output:\n${output}`);
  return Math.round(perSecond);
}

async function measureMinimalPipeline(
  sim: ShellySimulator,
  topic: string,
  brokers: string,
  client: string,
): Promise<{ eventsPerSecond: number; cpuUsPerEvent: number }> {
  const port = await freePort();
  const minimal = await startProcess(
    'dist-bench/bench/minimal-pipeline.js',
    {
      HOSTS: HOSTS.join(','),
      KAFKA_BROKERS: brokers,
      TOPIC: topic,
      TOKEN_URL: sim.tokenUrl,
      WS_URL_TEMPLATE: sim.wsUrlTemplate,
      ITG: ITG.tag,
      ITG_TOKEN: ITG.token,
      HTTP_PORT: String(port),
      KAFKA_CLIENT: client,
    },
    port,
  );
  try {
    await waitUntil(
      () => Promise.resolve(sim.connections().length === HOSTS.length),
      30_000,
      'the minimal pipeline to connect',
    );
    const started = performance.now();
    const cpuBefore = minimal.cpuSeconds();
    const report = await sim.load({ eventsPerSecond: 2_000_000, durationMs: THROUGHPUT_MS / 2 });
    await waitUntil(
      async () => (await minimal.metric('minimal_published_total')) >= report.framesSent,
      120_000,
      'the minimal pipeline to publish everything',
    );
    const cpuSeconds = minimal.cpuSeconds() - cpuBefore;
    return {
      eventsPerSecond: Math.round(report.framesSent / ((performance.now() - started) / 1000)),
      cpuUsPerEvent: microsecondsPerEvent(cpuSeconds, report.framesSent),
    };
  } finally {
    await minimal.stop();
  }
}

/** Runs another benchmark of bench/ as its own process and returns what it wrote. */
function runSiblingBench(script: string, resultFile: string): unknown {
  const path = resolve(__dirname, script);
  if (!existsSync(path)) return { skipped: `${script} does not exist` };
  execFileSync(process.execPath, [path], { stdio: ['ignore', 'ignore', 'inherit'] });
  return JSON.parse(readFileSync(resolve(results, resultFile), 'utf8')) as unknown;
}

function machineSummary() {
  const cpus = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/gm) ?? [];
  return {
    cpus: cpus.length,
    cpu: cpus[0]?.replace(/^model name\s*:\s*/, '') ?? 'unknown',
    node: process.version,
  };
}

/** CPU time per event, in microseconds, from a process's CPU seconds over a run. */
function microsecondsPerEvent(cpuSeconds: number, events: number): number {
  return round((cpuSeconds * 1e6) / events, 1);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
