/**
 * Events per second and CPU time per event of the two EventPublisher drivers (KAFKA_CLIENT `kafkajs`
 * and `platformatic`) on the same broker, used as the PublishBuffer uses them: batches of 2,000, one
 * in flight. Each run is a fresh process and a fresh 12-partition topic; the drivers alternate.
 * Run from the repository root: `npm run bench:publisher` (starts or reuses the local broker).
 * Env: BENCH_EVENTS (200000), BENCH_BATCH (2000), BENCH_ROUNDS (2), BENCH_COMPRESSION (none|gzip).
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { KafkaConfig } from '../src/config/config';
import { topicNames } from '../src/config/topics';
import { EventPublisher, OutgoingEvent } from '../src/publish/event-publisher';
import { createKafka } from '../src/publish/kafka.client';
import { KafkaEventPublisher } from '../src/publish/kafka-event.publisher';
import { PlatformaticKafkaPublisher } from '../src/publish/platformatic-kafka.publisher';
import { summarize } from './stats';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const COMPRESSION = (process.env.BENCH_COMPRESSION ?? 'none') as KafkaConfig['compression'];
const PARTITIONS = 12;
const DEVICES = 10_000;
/** Batches published before the clock starts, so that both drivers are measured warm (JIT, connections). */
const WARMUP_BATCHES = 10;
const drivers: KafkaConfig['client'][] = ['kafkajs', 'platformatic'];

interface RunResult {
  driver: KafkaConfig['client'];
  run: number;
  events: number;
  seconds: number;
  events_per_s: number;
  cpu_user_ms: number;
  cpu_system_ms: number;
  cpu_us_per_event: number;
  batch_ms: { p50: number; p99: number; max: number };
}

function brokers(): string {
  const value = process.env.KAFKA_BROKERS;
  if (!value)
    throw new Error('set KAFKA_BROKERS (npm run bench:publisher starts the local broker)');
  return value;
}

/** A small deterministic generator, so that every run publishes the same events. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const deviceIds = Array.from({ length: DEVICES }, (_, i) =>
  (0xcc7b5c000000 + i * 7919).toString(16),
);

/**
 * `count` device.status.v1 events as the service publishes them: the envelope of docs/events.md
 * "Event schema" and a Gen2 switch's measurements, about 850 bytes of JSON; keys spread over 10,000
 * devices.
 */
function statusEvents(topic: string, count: number, seed: number): OutgoingEvent[] {
  const next = random(seed);
  const started = Date.UTC(2025, 2, 2, 10, 15);
  const events: OutgoingEvent[] = [];
  for (let i = 0; i < count; i++) {
    const device = deviceIds[Math.floor(next() * DEVICES)];
    const id = randomUUID();
    const channel = (metric: string, unit: string | undefined, value: number | boolean) =>
      unit === undefined
        ? { component: 'switch', channel: 0, metric, value }
        : { component: 'switch', channel: 0, metric, unit, value };
    const power = Math.round(next() * 230000) / 100;
    const value = {
      type: 'device.status.v1',
      id,
      time: new Date(started + i * 7).toISOString(),
      partner: 'acme',
      source: { api: 'integrator', host: `shelly-${100 + (i % 8)}-eu.shelly.cloud` },
      device: { id: device, gen: null, model: null, owner: 48213 + (i % 997) },
      format: 'gen2',
      measurements: [
        { component: 'input', channel: 0, metric: 'state', value: next() < 0.5 },
        channel('output', undefined, power > 0),
        channel('power', 'W', power),
        channel('voltage', 'V', Math.round((225 + next() * 10) * 10) / 10),
        channel('current', 'A', Math.round((power / 230) * 1000) / 1000),
        channel('energy', 'Wh', Math.round(next() * 5_000_000) / 100),
        { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -40 - (i % 50) },
        { component: 'device', channel: 0, metric: 'uptime', unit: 's', value: 86_400 + i },
      ],
    };
    events.push({
      topic,
      key: device,
      type: value.type,
      id,
      source: `urn:shelly-ingest:integrator:${value.source.host}`,
      time: value.time,
      partner: value.partner,
      value: JSON.stringify(value),
    });
  }
  return events;
}

function createPublisher(config: KafkaConfig): EventPublisher & {
  onModuleInit(): Promise<void>;
  onApplicationShutdown(): Promise<void>;
} {
  if (config.client === 'platformatic') return new PlatformaticKafkaPublisher(config);
  return new KafkaEventPublisher(createKafka(config, pino({ level: 'warn' })), config.compression);
}

/** One measured run in this process: warm-up batches, then EVENTS events, BATCH at a time. */
async function runOne(
  driver: KafkaConfig['client'],
  topic: string,
  run: number,
): Promise<RunResult> {
  const config: KafkaConfig = {
    brokers: brokers().split(','),
    clientId: `bench-${driver}`,
    ssl: false,
    topicPrefix: '',
    topics: topicNames(''),
    topicPerPartner: false,
    topicPartitions: PARTITIONS,
    topicReplicationFactor: -1,
    batchMaxEvents: BATCH,
    batchMaxBytes: 100_000_000,
    lingerMs: 0,
    compression: COMPRESSION,
    client: driver,
  };
  const warmup = statusEvents(topic, WARMUP_BATCHES * BATCH, 1);
  const events = statusEvents(topic, EVENTS, 2);
  const publisher = createPublisher(config);
  await publisher.onModuleInit();
  try {
    for (let i = 0; i < warmup.length; i += BATCH)
      await publisher.publish(warmup.slice(i, i + BATCH));
    const batches: OutgoingEvent[][] = [];
    for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
    const batchMs: number[] = [];
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (const batch of batches) {
      const sent = performance.now();
      await publisher.publish(batch);
      batchMs.push(performance.now() - sent);
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    return {
      driver,
      run,
      events: events.length,
      seconds: Math.round(seconds * 1000) / 1000,
      events_per_s: Math.round(events.length / seconds),
      cpu_user_ms: Math.round(cpu.user / 1000),
      cpu_system_ms: Math.round(cpu.system / 1000),
      cpu_us_per_event: Math.round(((cpu.user + cpu.system) / events.length) * 100) / 100,
      batch_ms: summarize(batchMs),
    };
  } finally {
    await publisher.onApplicationShutdown();
  }
}

function inChildProcess(driver: string, topic: string, run: number): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = fork(__filename, ['run', driver, topic, String(run)]);
    let result: RunResult | undefined;
    child.once('message', (message) => (result = message as RunResult));
    child.once('error', fail);
    child.once('exit', (code) =>
      result ? done(result) : fail(new Error(`${driver} run ${run} exited with ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const admin = new Kafka({
    clientId: 'bench-admin',
    brokers: brokers().split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  const sample = statusEvents('t', 2_000, 3);
  const valueBytes =
    sample.reduce((sum, e) => sum + Buffer.byteLength(e.value!), 0) / sample.length;
  console.log(
    `node ${process.version}, ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${EVENTS.toLocaleString('en')} events of ~${Math.round(valueBytes)} B, ` +
      `batches of ${BATCH}, one in flight, ${PARTITIONS} partitions, compression ${COMPRESSION}`,
  );
  const runs: RunResult[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const driver of drivers) {
        const topic = `bench-publisher-${driver}-${round}-${randomUUID().slice(0, 8)}`;
        await admin.createTopics({
          waitForLeaders: true,
          topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: -1 }],
        });
        try {
          const result = await inChildProcess(driver, topic, round);
          runs.push(result);
          console.log(
            `${driver.padEnd(12)} run ${round}: ${result.events_per_s.toLocaleString('en').padStart(7)} events/s, ` +
              `${result.cpu_us_per_event.toFixed(2).padStart(6)} µs CPU/event ` +
              `(user ${result.cpu_user_ms} ms, system ${result.cpu_system_ms} ms), ` +
              `batch p50 ${result.batch_ms.p50} ms p99 ${result.batch_ms.p99} ms`,
          );
        } finally {
          await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
        }
      }
    }
  } finally {
    await admin.disconnect();
  }

  const summary = Object.fromEntries(
    drivers.map((driver) => {
      const mine = runs.filter((r) => r.driver === driver);
      const mean = (pick: (r: RunResult) => number) =>
        mine.reduce((sum, r) => sum + pick(r), 0) / mine.length;
      return [
        driver,
        {
          events_per_s: Math.round(mean((r) => r.events_per_s)),
          cpu_us_per_event: Math.round(mean((r) => r.cpu_us_per_event) * 100) / 100,
        },
      ];
    }),
  );
  console.log('mean', JSON.stringify(summary));
  const file = resolve('bench/results/publisher.json');
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        node: process.version,
        cores: cpus().length,
        events: EVENTS,
        batch: BATCH,
        warmup_batches: WARMUP_BATCHES,
        partitions: PARTITIONS,
        devices: DEVICES,
        value_bytes_mean: Math.round(valueBytes),
        compression: COMPRESSION,
        runs,
        mean: summary,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${file}`);
}

if (process.argv[2] === 'run') {
  const [, , , driver, topic, run] = process.argv;
  runOne(driver as KafkaConfig['client'], topic, Number(run)).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
