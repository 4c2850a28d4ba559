import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { topicNames } from '../src/config/topics';
import { startDedicatedKafka } from '../test/support/dedicated-kafka';
import { freePort } from '../test/support/free-port';
import { createMigratedDatabase } from '../test/support/services';
import { DEVICES, fleetServiceEnv, HOSTS, messagesIn, sessionsUp, startFleet } from './fleet';
import { grantAll, revokeAll } from './grant-all';
import { renderSoakChart, SoakSample } from './report';
import { MetricReader, startProcess } from './service-process';
import { round } from './stats';
import { waitUntil } from './wait-until';

const env = process.env;
const DURATION_S = Number(env.BENCH_SOAK_MINUTES ?? 30) * 60;
const RATE = Number(env.BENCH_SOAK_RATE ?? 5_000);
const SAMPLE_EVERY_MS = 10_000;
/** The load runs in slices, so that a socket is dropped between two, with no frame on the wire. */
const SLICE_MS = 10_000;
/** The first drop comes after half of this, then one every this often, on each host in turn. */
const DROP_EVERY_S = 180;
/** Devices whose consent is revoked, then granted again, in the burst. */
const CONSENT_BURST_DEVICES = 500;
/** Sessions, the resync of every granted device, JIT and the heap's first growth settle in it. */
const WARM_UP_S = Math.min(120, DURATION_S / 5);
/** The first and the last ten minutes after the warm-up; halves of what follows it in a shorter run. */
const WINDOW_S = Math.min(600, (DURATION_S - WARM_UP_S) / 2);
const FLAT_WITHIN_PERCENT = 10;
const results = resolve(__dirname, '../../bench/results');

const FRAMES_READ = 'shelly_ingest_frames_received_total';
const PUBLISHED = 'shelly_ingest_events_published_total';

const log = (message: string) => process.stderr.write(`[bench:soak] ${message}\n`);

interface Fault {
  atS: number;
  name: string;
  /** Runs while the load goes on; else between two slices, before the next one starts. */
  alongsideLoad: boolean;
  run(): Promise<void>;
}

/**
 * `npm run bench:soak`: the service as its own process for BENCH_SOAK_MINUTES (30) at
 * BENCH_SOAK_RATE (5,000) status frames/s from the simulator's 10,000 devices on 4 hosts, against a
 * Kafka broker of its own (restarted once in the middle) and the local Postgres. A socket is dropped
 * every three minutes and 500 consents are revoked and granted again once. Every 10 s it records
 * the service's resident memory, V8 heap, event-loop delay and backlog. Writes
 * bench/results/soak.{json,svg}: whether memory grows with time, and that no frame was lost.
 */
async function main(): Promise<void> {
  log('starting a Kafka broker of its own, to restart it during the run');
  const kafka = await startDedicatedKafka();
  const admin = new Kafka({ brokers: [kafka.brokers], logLevel: logLevel.NOTHING }).admin();
  const database = await createMigratedDatabase();
  const topics = topicNames('soak.');
  const port = await freePort();
  const sim = await startFleet(port);
  const service = await startProcess(
    'dist/main.js',
    fleetServiceEnv(sim, {
      port,
      databaseUrl: database.url,
      kafkaBrokers: kafka.brokers,
      topicPrefix: 'soak.',
    }),
    port,
  );
  try {
    await admin.connect();
    log(`granting ${DEVICES} devices through signed consent callbacks`);
    await grantAll(sim);
    await sessionsUp(sim);

    const started = performance.now();
    const elapsedS = () => (performance.now() - started) / 1000;
    let sent = 0;
    let target = 0;
    let brokerDownS = 0;
    let consentBurstS = 0;
    const statusFramesRead = (metrics: MetricReader) => metrics(FRAMES_READ, 'event="status"');

    const faults: Fault[] = [];
    for (let at = DROP_EVERY_S / 2, n = 0; at < DURATION_S; at += DROP_EVERY_S, n++) {
      const host = HOSTS[n % HOSTS.length];
      faults.push({
        atS: at,
        name: 'socket drop',
        alongsideLoad: false,
        run: async () => {
          // A frame still on its way when the socket dies would be lost on the wire, not by the service.
          await waitUntil(
            async () => statusFramesRead(await service.metrics()) >= sent,
            120_000,
            'the service to read every frame sent',
          );
          sim.faults.dropConnection(host);
        },
      });
    }
    faults.push({
      atS: DURATION_S / 2,
      name: 'broker restart',
      alongsideLoad: true,
      run: async () => {
        const stopping = elapsedS();
        await kafka.stop();
        await kafka.start();
        brokerDownS = round(elapsedS() - stopping, 1);
        log(`broker back after ${brokerDownS} s`);
      },
    });
    faults.push({
      atS: (DURATION_S * 2) / 3,
      name: 'consent burst',
      alongsideLoad: true,
      run: async () => {
        const bursting = elapsedS();
        const devices = sim.devices.slice(0, CONSENT_BURST_DEVICES);
        await revokeAll(sim, devices);
        await grantAll(sim, devices);
        consentBurstS = round(elapsedS() - bursting, 1);
      },
    });
    faults.sort((a, b) => a.atS - b.atS);

    const samples: SoakSample[] = [];
    const takeSample = async () => {
      const metrics = await service.metrics();
      const memory = await service.memory(metrics);
      samples.push({
        at_s: round(elapsedS(), 1),
        rss_mb: memory.rss,
        heap_used_mb: memory.heapUsed,
        heap_total_mb: memory.heapTotal,
        event_loop_delay_p99_ms: round(metrics('nodejs_eventloop_lag_p99_seconds') * 1000, 2),
        backlog_events: metrics('shelly_ingest_buffer_events'),
        state_feed_lag_records: metrics('shelly_ingest_device_state_feed_lag_records'),
        acknowledged: metrics(PUBLISHED, `topic="${topics.deviceStatus}"`),
      });
    };
    const sampler = setInterval(
      () => void takeSample().catch((error: unknown) => log(`no sample: ${String(error)}`)),
      SAMPLE_EVERY_MS,
    );

    log(`${RATE} events/s for ${DURATION_S / 60} min`);
    const happened: { at_s: number; fault: string }[] = [];
    const alongside: Promise<void>[] = [];
    for (let at = elapsedS(); at < DURATION_S; at = elapsedS()) {
      while (faults.length > 0 && faults[0].atS <= at) {
        const fault = faults.shift() as Fault;
        log(`${fault.name} at ${Math.round(at)} s`);
        happened.push({ at_s: round(at, 1), fault: fault.name });
        if (fault.alongsideLoad) alongside.push(fault.run());
        else await fault.run();
      }
      const slice = Math.min(SLICE_MS, (DURATION_S - at) * 1000);
      const report = await sim.load({ eventsPerSecond: RATE, durationMs: slice });
      sent += report.framesSent;
      target += report.targetFrames;
    }
    await Promise.all(alongside);
    clearInterval(sampler);

    log('waiting for the service to publish everything it was sent');
    let final: MetricReader = await service.metrics();
    await waitUntil(
      async () => {
        final = await service.metrics();
        return statusFramesRead(final) >= sent && final('shelly_ingest_buffer_events') === 0;
      },
      300_000,
      'the service to publish everything it was sent',
      1_000,
    );
    const acknowledged = final(PUBLISHED, `topic="${topics.deviceStatus}"`);
    // Each DeviceVerify answered OK publishes the device's status too (or drops it, counted, when
    // its consent went meanwhile): those are no frames the simulator sent.
    const resyncStatuses = final('shelly_ingest_resync_verify_outcomes_total', 'result="ok"');
    const published = acknowledged - resyncStatuses;
    const deadLettered = final('shelly_ingest_frames_dead_lettered_total');
    const dropped = final('shelly_ingest_frames_dropped_total');
    const recordsOnTopic = await messagesIn(admin, topics.deviceStatus);
    const lost = sent - published - deadLettered - dropped;

    const windows: [number, number][] = [
      [WARM_UP_S, WARM_UP_S + WINDOW_S],
      [DURATION_S - WINDOW_S, DURATION_S],
    ];
    const meanIn = ([from, to]: [number, number], value: (sample: SoakSample) => number) =>
      mean(samples.filter((s) => s.at_s >= from && s.at_s < to).map(value));
    const [first, last] = windows.map((window) => meanIn(window, (s) => s.rss_mb));
    const growth = round(((last - first) / first) * 100, 1);
    const delays = samples.map((s) => s.event_loop_delay_p99_ms).sort((a, b) => a - b);

    const summary = {
      duration_min: DURATION_S / 60,
      events_per_s: RATE,
      devices: DEVICES,
      hosts: HOSTS.length,
      target,
      sent,
      published,
      dead_lettered: deadLettered,
      dropped_by_policy: dropped,
      lost,
      resync_statuses_published: resyncStatuses,
      broker_down_s: brokerDownS,
      consent_burst_s: consentBurstS,
      records_on_topic: recordsOnTopic,
      nothing_lost: lost === 0 && recordsOnTopic >= acknowledged,
      memory: {
        warm_up_s: WARM_UP_S,
        window_s: WINDOW_S,
        rss_first_window_mb: round(first, 1),
        rss_last_window_mb: round(last, 1),
        rss_growth_percent: growth,
        heap_used_first_window_mb: round(
          meanIn(windows[0], (s) => s.heap_used_mb),
          1,
        ),
        heap_used_last_window_mb: round(
          meanIn(windows[1], (s) => s.heap_used_mb),
          1,
        ),
        rss_max_mb: Math.max(...samples.map((s) => s.rss_mb)),
        flat: Math.abs(growth) <= FLAT_WITHIN_PERCENT,
      },
      event_loop_delay_p99_ms: {
        median: delays[Math.floor(delays.length / 2)],
        max: delays[delays.length - 1],
      },
      backlog_events_max: Math.max(...samples.map((s) => s.backlog_events)),
      state_feed_lag_records_max: Math.max(...samples.map((s) => s.state_feed_lag_records)),
    };
    const soak = {
      measured_at: new Date().toISOString(),
      node: process.version,
      summary,
      faults: happened,
      samples,
    };
    writeFileSync(resolve(results, 'soak.json'), `${JSON.stringify(soak, null, 2)}\n`);
    writeFileSync(
      resolve(results, 'soak.svg'),
      renderSoakChart({ duration_s: DURATION_S, windows, faults: happened, samples }),
    );
    process.stdout.write(`${JSON.stringify({ ...summary, faults: happened }, null, 2)}\n`);
  } finally {
    await service.stop();
    await admin.disconnect();
    await sim.stop();
    await kafka.destroy();
    await database.drop();
  }
}

function mean(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
