import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
const CLIENT = (process.env.BENCH_HTTP_CLIENT ?? 'http') as 'http' | 'fetch';

/** CPU time, in ms, of every process named `name` on this machine (Postgres: its backends too). */
function cpuMsOf(name: string): number {
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== name) continue;
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
    // The service runs in this process: its CPU is the process's less the load thread's own.
    const processCpuBefore = process.cpuUsage();
    const postgresCpuBefore = cpuMsOf('postgres');
    const load = await new Promise<LoadReport>((done, fail) => {
      const job: LoadJob = {
        url,
        requests,
        concurrency: CONCURRENCY,
        durationMs: DURATION_MS,
        client: CLIENT,
      };
      const worker = new Worker(resolve(__dirname, 'http-load.worker.js'), { workerData: job });
      worker.once('message', done);
      worker.once('error', fail);
    });
    const processCpu = process.cpuUsage(processCpuBefore);
    const postgresCpuMs = cpuMsOf('postgres') - postgresCpuBefore;
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
      http_client: CLIENT,
      cpu_per_callback_us: {
        service: perCallbackUs((processCpu.user + processCpu.system) / 1000 - load.cpuMs),
        load_client: perCallbackUs(load.cpuMs),
        postgres: perCallbackUs(postgresCpuMs),
      },
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
