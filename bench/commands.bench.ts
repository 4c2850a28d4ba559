import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import { ApiKeyStore } from '../src/partners/api-key.store';
import { ConsentCache } from '../src/consent/consent-cache';
import { CommandAuditWriter } from '../src/control/command-audit.writer';
import { SessionManager } from '../src/shelly/session-manager';
import { startService } from '../test/support/app';
import { freePort } from '../test/support/free-port';
import type { DirectJob, HttpJob, LoadReport } from './command-load.worker';
import type { SimulatorJob, SimulatorReady, SimulatorRequest } from './simulator.worker';
import { summarize } from './stats';

const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 30_000);
const DEVICES = Number(process.env.BENCH_DEVICES ?? 1_000);
/** Unmeasured load first, so that the JIT has compiled the hot paths and connections are open. */
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 5_000);
const SERVICE = { tag: 'ITG_BENCH', token: 'bench-token-0123456789abcdef' };
/** A second integrator that talks to the simulator directly, to measure the cloud's own time. */
const DIRECT = { tag: 'ITG_DIRECT', token: 'direct-token-0123456789abcdef' };

/**
 * Device commands through the REST API, paced at BENCH_RATE per second for BENCH_DURATION_MS, and
 * the latency they add over the simulator's own answer time. First the same command load goes
 * straight to the simulator's socket (its own time); then through the service, which checks key,
 * consent and limits, sends on its session, waits for the response and audits every command to
 * Postgres and the outbox. Simulator, load and service each have a thread of their own.
 */
async function main(): Promise<void> {
  const port = await freePort();
  const simulator = new Worker(resolve(__dirname, 'simulator.worker.js'), {
    workerData: {
      callbackUrl: `http://127.0.0.1:${port}/v1/shelly/consent`,
      devices: DEVICES,
      integrators: [SERVICE, DIRECT],
    } satisfies SimulatorJob,
  });
  const next = <T>() => new Promise<T>((done) => simulator.once('message', done));
  const ask = <T>(request: SimulatorRequest) => {
    const answer = next<T>();
    simulator.postMessage(request);
    return answer;
  };
  const sim = await next<SimulatorReady>();

  // 1. The simulator's own answer time, with nothing in between.
  await ask({ type: 'grant', integrator: DIRECT.tag, callbackLost: true });
  const token = await integratorToken(sim.tokenUrl, DIRECT);
  const directJob = (durationMs: number): DirectJob => ({
    mode: 'direct',
    sockets: sim.hosts.map((host) => ({
      host,
      url: sim.wsUrlTemplate.replace('{host}', host).replace('{token}', encodeURIComponent(token)),
    })),
    devices: sim.devices,
    ratePerSecond: RATE,
    durationMs,
  });
  await runLoad(directJob(WARMUP_MS));
  const directReport = await runLoad(directJob(Math.min(DURATION_MS, 10_000)));

  // 2. The same commands through the service.
  const service = await startService({
    HTTP_PORT: String(port),
    SHELLY_INTEGRATOR_TAG: SERVICE.tag,
    SHELLY_INTEGRATOR_TOKEN: SERVICE.token,
    SHELLY_TOKEN_URL: sim.tokenUrl,
    SHELLY_WS_URL_TEMPLATE: sim.wsUrlTemplate,
    SHELLY_CONSENT_PUBLIC_KEY: sim.publicKeyPem,
    CONTROL_RATE_PER_KEY: String(RATE * 2),
    CONTROL_BURST_PER_KEY: String(RATE * 2),
    // Every device is granted from this one address at start.
    CONSENT_CALLBACK_RATE_PER_IP: '0',
    CONTROL_RATE_PER_PARTNER: String(RATE * 2),
    CONTROL_BURST_PER_PARTNER: String(RATE * 2),
    LOG_LEVEL: 'error',
  });
  try {
    const { granted } = await ask<{ granted: number }>({
      type: 'grant',
      integrator: SERVICE.tag,
      callbackLost: false,
    });
    if (granted !== DEVICES) throw new Error(`${granted} of ${DEVICES} consent callbacks applied`);
    const sessions = service.app.get(SessionManager);
    while (service.app.get(ConsentCache).size < granted || sessions.states().some((s) => !s.up)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const key = await service.app
      .get(ApiKeyStore)
      .create('bench', ['control'], { partnerId: 'default' });
    const httpJob = (durationMs: number): HttpJob => ({
      mode: 'http',
      url: service.url,
      key: key.key,
      devices: sim.devices,
      ratePerSecond: RATE,
      durationMs,
    });
    const warmup = await runLoad(httpJob(WARMUP_MS));
    const loopBefore = performance.eventLoopUtilization();
    const cpuBefore = process.cpuUsage();
    const httpReport = await runLoad(httpJob(DURATION_MS));
    const loop = performance.eventLoopUtilization(loopBefore);
    const cpu = process.cpuUsage(cpuBefore);
    const audit = service.app.get(CommandAuditWriter);
    while (audit.backlog > 0) await new Promise((r) => setTimeout(r, 50));
    const audited = await countAuditRows(service.databaseUrl);

    const through = summarize(httpReport.latenciesMs);
    const own = summarize(directReport.latenciesMs);
    const result = {
      target_commands_per_s: RATE,
      duration_s: Math.round(httpReport.elapsedMs / 100) / 10,
      devices: DEVICES,
      commands: httpReport.sent,
      answers: httpReport.answers,
      commands_per_s: Math.round(httpReport.latenciesMs.length / (httpReport.elapsedMs / 1000)),
      latency_ms: through,
      simulator_latency_ms: own,
      added_latency_ms: {
        p50: round(through.p50 - own.p50),
        p99: round(through.p99 - own.p99),
      },
      sender_max_lag_ms: round(httpReport.maxLagMs),
      /** Share of the measured time the service's event loop (this thread) was busy. */
      service_event_loop_utilization: round(loop.utilization),
      /** CPU of the whole process (service, simulator and load threads) per command. */
      process_cpu_ms_per_command: round((cpu.user + cpu.system) / 1000 / httpReport.sent),
      warmup_s: WARMUP_MS / 1000,
      audit_rows: audited,
      audit_rows_expected: warmup.sent + httpReport.sent,
      node: process.version,
    };
    writeFileSync(
      resolve(__dirname, '../../bench/results/commands.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await service.stop();
    await ask({ type: 'stop' });
  }
}

function runLoad(job: DirectJob | HttpJob): Promise<LoadReport> {
  return new Promise((done, fail) => {
    const worker = new Worker(resolve(__dirname, 'command-load.worker.js'), { workerData: job });
    worker.once('message', done);
    worker.once('error', fail);
  });
}

async function integratorToken(url: string, integrator: { tag: string; token: string }) {
  const response = await fetch(url, {
    method: 'POST',
    body: new URLSearchParams({ itg: integrator.tag, token: integrator.token }),
  });
  return ((await response.json()) as { data: string }).data;
}

async function countAuditRows(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM command_audit');
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

void main();
