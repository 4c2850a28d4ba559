import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ConsentCache } from '../src/consent/consent-cache';
import { startService } from '../test/support/app';
import {
  callbackBody,
  callbackPublicKeyPem,
  signedCallback,
} from '../test/support/consent-callbacks';
import type { LoadJob, LoadReport } from './http-load.worker';
import { summarize } from './stats';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 15_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DEVICES = 4_000;
/** Where to write a CPU profile of the service's thread during the load; none when unset. */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;

/** Busy and total CPU time of the whole machine, in clock ticks (the first line of /proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
  const ticks = fields.map(Number);
  const idle = ticks[3] + ticks[4]; // idle, iowait
  const total = ticks.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

/**
 * CPU time, in ms, of the Postgres processes that serve `database` (its backends) or all databases
 * (the WAL writer, checkpointer and other background processes); backends of other databases, as of
 * another benchmark on the same cluster, are left out.
 */
function postgresCpuMs(database: string): number {
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let stat: string;
    let title: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue;
    // A backend's title: "postgres: [<cluster>: ]<user> <database> <client address> <state>".
    const backend = /^postgres: (?:\S+: )?\S+ (\S+) [\d.:[\]]+\(\d+\)/.exec(title);
    if (backend && backend[1] !== database) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks / ticksPerSecond) * 1000;
}

/**
 * Verified consent callbacks per second against the real service (Postgres, Kafka relay running),
 * each a real change: devices are granted, then revoked, in turn. Tokens are signed before the clock
 * starts so that the load generator's ES384 signing does not compete with the service for CPU. Also
 * measures how long a revoke takes to reach a second instance's cache.
 */
async function main(): Promise<void> {
  const service = await startService({
    SHELLY_CONSENT_PUBLIC_KEY: callbackPublicKeyPem,
    DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '10',
    // The load comes from one address, as Shelly's cloud would from a few; this measures throughput.
    CONSENT_CALLBACK_RATE_PER_IP: '0',
  });
  const url = `${service.url}/v1/shelly/consent`;
  try {
    const deviceIds = Array.from({ length: DEVICES }, (_, i) => String(79530338900000 + i));
    const requests = await Promise.all(
      deviceIds.flatMap((deviceId) => [
        signedCallback('ITG_TEST', callbackBody({ deviceId, action: 'add' })),
        signedCallback('ITG_TEST', callbackBody({ deviceId, action: 'remove' })),
      ]),
    );
    // The load runs in a worker thread: its own event loop, so it does not steal the service's.
    // The service runs on this thread: the profiler covers the load and nothing before it (signing).
    const profiler = PROFILE_DIR ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    // The service runs in this process: its CPU is the process's less the load thread's own.
    const processCpuBefore = process.cpuUsage();
    const mainThreadCpuBefore = process.threadCpuUsage();
    const database = new URL(service.databaseUrl).pathname.slice(1);
    const postgresCpuBefore = postgresCpuMs(database);
    const machineBefore = machineTicks();
    const load = await new Promise<LoadReport>((done, fail) => {
      const job: LoadJob = {
        url,
        requests,
        concurrency: CONCURRENCY,
        durationMs: DURATION_MS,
      };
      const worker = new Worker(resolve(__dirname, 'http-load.worker.js'), { workerData: job });
      worker.once('message', done);
      worker.once('error', fail);
    });
    const processCpu = process.cpuUsage(processCpuBefore);
    const mainThreadCpu = process.threadCpuUsage(mainThreadCpuBefore);
    if (profiler && PROFILE_DIR) {
      const { profile } = await profiler.post('Profiler.stop');
      mkdirSync(PROFILE_DIR, { recursive: true });
      writeFileSync(resolve(PROFILE_DIR, 'consent-callbacks.cpuprofile'), JSON.stringify(profile));
      profiler.disconnect();
    }
    const postgresMs = postgresCpuMs(database) - postgresCpuBefore;
    const machine = machineTicks();
    // Of all cores: what else runs on the machine (another benchmark) shows here.
    const machineBusyPct = Math.round(
      (100 * (machine.busy - machineBefore.busy)) / (machine.total - machineBefore.total),
    );
    const elapsedS = load.elapsedMs / 1000;
    const perCallbackUs = (ms: number) => Math.round((ms * 1000) / load.latenciesMs.length);

    const second = await startService(
      { SHELLY_CONSENT_PUBLIC_KEY: callbackPublicKeyPem },
      { url: service.databaseUrl },
    );
    const propagation: number[] = [];
    try {
      const cache = second.app.get(ConsentCache);
      for (let i = 0; i < 50; i++) {
        const deviceId = String(79530338990000 + i);
        const add = await signedCallback('ITG_TEST', callbackBody({ deviceId }));
        await fetch(url, { method: 'POST', headers: add.headers, body: add.body });
        while (!cache.get(Number(deviceId).toString(16)))
          await new Promise((r) => setTimeout(r, 1));
        const remove = await signedCallback(
          'ITG_TEST',
          callbackBody({ deviceId, action: 'remove' }),
        );
        const sent = performance.now();
        await fetch(url, { method: 'POST', headers: remove.headers, body: remove.body });
        while (cache.get(Number(deviceId).toString(16))) await new Promise((r) => setImmediate(r));
        propagation.push(performance.now() - sent);
      }
    } finally {
      await second.app.close();
    }

    const result = {
      callbacks: load.latenciesMs.length,
      failures: load.failures,
      concurrency: CONCURRENCY,
      duration_s: Math.round(elapsedS * 10) / 10,
      callbacks_per_s: Math.round(load.latenciesMs.length / elapsedS),
      latency_ms: summarize(load.latenciesMs),
      cpu_per_callback_us: {
        service: perCallbackUs((processCpu.user + processCpu.system) / 1000 - load.cpuMs),
        // Of which its event loop's thread; the rest: the libuv pool (WebCrypto's ES384 verify), GC.
        service_main_thread: perCallbackUs((mainThreadCpu.user + mainThreadCpu.system) / 1000),
        load_client: perCallbackUs(load.cpuMs),
        postgres: perCallbackUs(postgresMs),
      },
      machine_cpu_busy_pct: machineBusyPct,
      revoke_to_second_instance_ms: summarize(propagation),
    };
    writeFileSync(
      resolve(__dirname, '../../bench/results/consent.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await service.stop();
  }
}

void main();
