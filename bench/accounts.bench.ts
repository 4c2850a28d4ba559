import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readGrant, renewalDue } from '../src/accounts/oauth-grant';
import { TokenCipher } from '../src/accounts/token-cipher';
import type { AccountSpec } from '../src/simulator/accounts';
import { ShellySimulator } from '../src/simulator/simulator.server';
import { linkAccount } from '../test/simulator/account-link';
import { freePort } from '../test/support/free-port';
import {
  createMigratedDatabase,
  deleteTopicsStartingWith,
  requireServices,
  uniqueName,
} from '../test/support/services';
import { sql } from '../test/support/sql';
import { Inspector } from './inspector';
import { ServiceProcess, startProcess } from './service-process';
import { percentile, round } from './stats';
import { sleep, waitUntil } from './wait-until';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10_000);
const CONNECTS_PER_SECOND = Number(process.env.BENCH_ACCOUNT_CONNECTS_PER_SECOND ?? 500);
/** How long the sessions stay idle before memory is sampled. */
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 10_000);
/** When set, a heap snapshot of the service at 0 accounts and one with every session up go here. */
const HEAP_SNAPSHOT_DIR = process.env.BENCH_HEAP_SNAPSHOT_DIR;
const GOAL_BYTES_PER_SESSION = 15 * 1024;
const HOST = 'shelly-103-eu.shelly.cloud';
/** One account in ten owns a device: frames can cross the sessions, and the simulator stays small. */
const ACCOUNTS_PER_DEVICE = 10;
const FIRST_USER_ID = 100_000;
/** The OAuth client the tokens are issued to, and the service's client id. */
const CLIENT_ID = 'shelly-diy';
const PARTNER = 'bench';
const ITG = { tag: 'ITG_BENCH', token: 'bench-integrator-token-0123456789' };
const PEPPER = 'bench-pepper-0123456789abcdef0123456789abcdef';
const MEMORY_SAMPLES = 5;
/** File descriptors a process needs besides its sockets to Shelly (Kafka, Postgres, files). */
const SPARE_FILES = 1_024;

const log = (message: string) => process.stderr.write(`[bench:accounts] ${message}\n`);

interface LinkedRow {
  id: string;
  userId: number;
  sealedToken: string;
  expiresAt: Date;
  renewAfter: Date;
}

/**
 * `npm run bench:accounts`: one service process holding `BENCH_ACCOUNTS` (10,000) linked accounts
 * against the simulator, each with its Real Time Events socket. Every account gets its access token
 * through the simulator's OAuth code exchange; the rows go straight into the database, tokens
 * sealed as the service seals them. Measures the time to connect them all at
 * `BENCH_ACCOUNT_CONNECTS_PER_SECOND` (500) against the pace's bound, and the V8 heap and resident
 * memory per idle session: the same service at 0 accounts against it with every session up, both
 * after a full garbage collection. Writes bench/results/accounts.json.
 */
async function main(): Promise<void> {
  const openFiles = openFilesLimit();
  if (openFiles < ACCOUNTS + SPARE_FILES) {
    throw new Error(
      `${ACCOUNTS} sockets need more open files than the limit of ${openFiles}: raise it with ulimit -n`,
    );
  }
  const { kafkaBrokers } = requireServices();
  const accounts: AccountSpec[] = Array.from({ length: ACCOUNTS }, (_, index) => ({
    userId: FIRST_USER_ID + index,
    devices: index % ACCOUNTS_PER_DEVICE === 0 ? [deviceId(index)] : [],
  }));
  const sim = await ShellySimulator.start({
    integrators: [ITG],
    hosts: [HOST],
    fleet: {
      devices: accounts.flatMap((account) =>
        account.devices.map((id) => ({ model: 'SNSW-001P16EU', id })),
      ),
    },
    accounts,
    seed: 19,
  });
  const database = await createMigratedDatabase();
  const prefix = `${uniqueName('bench')}.`;
  const tokenKey = { id: 'bench', key: randomBytes(32) };
  const serviceEnv = (port: number): Record<string, string> => ({
    NODE_ENV: 'production',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(port),
    MANAGEMENT_PORT: String(port),
    REPLICA_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.url,
    KAFKA_BROKERS: kafkaBrokers,
    KAFKA_TOPIC_PREFIX: prefix,
    SHELLY_INTEGRATOR_TAG: ITG.tag,
    SHELLY_INTEGRATOR_TOKEN: ITG.token,
    API_KEY_PEPPER: PEPPER,
    SHELLY_TOKEN_URL: sim.tokenUrl,
    SHELLY_WS_URL_TEMPLATE: sim.wsUrlTemplate,
    SHELLY_ALLOW_INSECURE: 'true',
    SHELLY_CONSENT_PUBLIC_KEY: sim.publicKeyPem,
    SHELLY_OAUTH_CLIENT_ID: CLIENT_ID,
    SHELLY_OAUTH_LOGIN_URL: sim.loginUrl,
    SHELLY_OAUTH_API_URL_TEMPLATE: sim.cloudUrlTemplate,
    ACCOUNT_TOKEN_KEYS: `${tokenKey.id}:${tokenKey.key.toString('base64')}`,
    CONSENT_CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
    SHELLY_ACCOUNT_CONNECTS_PER_SECOND: String(CONNECTS_PER_SECOND),
    SHUTDOWN_DRAIN_MS: '0',
  });
  let service: { process: ServiceProcess; inspector: Inspector } | undefined;
  const startService = async () => {
    const port = await freePort();
    const inspectorPort = await freePort();
    const started = await startProcess('dist/main.js', serviceEnv(port), port, [
      `--inspect=127.0.0.1:${inspectorPort}`,
    ]);
    service = { process: started, inspector: await Inspector.connect(inspectorPort) };
    return service;
  };
  const stopService = async () => {
    service?.inspector.close();
    await service?.process.stop();
    service = undefined;
  };

  try {
    log(`${ACCOUNTS} accounts: an access token each through the OAuth code exchange`);
    const linkStarted = performance.now();
    const rows = await linkAll(sim, new TokenCipher([tokenKey]));
    const linkSeconds = (performance.now() - linkStarted) / 1000;
    log(`tokens in ${linkSeconds.toFixed(1)} s`);
    await sql(database.url, 'INSERT INTO partner (id, name) VALUES ($1, $2)', [
      PARTNER,
      'Benchmark partner',
    ]);

    log('the service at 0 accounts');
    const idle = await startService();
    await sleep(SETTLE_MS);
    const baseline = await sampleMemory(idle.inspector);
    await snapshotHeap(idle.inspector, 'accounts-0');
    await stopService();
    log(`baseline: ${JSON.stringify(inMiB(baseline))}`);

    await insertAccounts(database.url, rows);
    log(`the service with ${ACCOUNTS} accounts at ${CONNECTS_PER_SECOND} connects/s`);
    const startedAt = performance.now();
    let firstUpAt: number | undefined;
    let allUpAt: number | undefined;
    const watch = setInterval(() => {
      const open = sim.accountConnections().length;
      if (open > 0) firstUpAt ??= performance.now();
      if (open === ACCOUNTS) allUpAt ??= performance.now();
    }, 100);
    const loaded = await startService();
    const answeredAt = performance.now();
    const lowerBoundS = ACCOUNTS / CONNECTS_PER_SECOND;
    await waitUntil(
      () => Promise.resolve(allUpAt !== undefined),
      (lowerBoundS * 3 + 60) * 1000,
      `${ACCOUNTS} sockets open`,
    );
    clearInterval(watch);
    const sessionsUp = await loaded.process.metric('shelly_ingest_account_sessions', 'state="up"');
    if (sessionsUp !== ACCOUNTS) {
      throw new Error(`the simulator sees every socket, the service ${sessionsUp} sessions up`);
    }
    const seconds = (at: number | undefined) => round(((at ?? NaN) - startedAt) / 1000, 2);
    const spanS = ((allUpAt ?? NaN) - (firstUpAt ?? NaN)) / 1000;
    const connect = {
      connects_per_s_configured: CONNECTS_PER_SECOND,
      lower_bound_s: round(lowerBoundS, 2),
      service_answered_after_s: seconds(answeredAt),
      first_session_up_after_s: seconds(firstUpAt),
      all_up_after_s: seconds(allUpAt),
      first_to_last_s: round(spanS, 2),
      connects_per_s_achieved: Math.round(ACCOUNTS / spanS),
    };
    log(`connect: ${JSON.stringify(connect)}`);

    log(`idle for ${SETTLE_MS / 1000} s`);
    await sleep(SETTLE_MS);
    const withSessions = await sampleMemory(loaded.inspector);
    await snapshotHeap(loaded.inspector, `accounts-${ACCOUNTS}`);
    // Both 0 when every session stayed up from its first connect to the samples.
    const disruptions = {
      leases_fenced: await loaded.process.metric(
        'shelly_ingest_session_leases_released_total',
        'why="fenced"',
      ),
      reconnects: await loaded.process.metric('shelly_ingest_account_session_reconnects_total'),
    };
    log(`disruptions: ${JSON.stringify(disruptions)}`);
    const perSession = (before: number, after: number) => Math.round((after - before) / ACCOUNTS);
    const memory = {
      idle_s: SETTLE_MS / 1000,
      at_0_accounts_mb: inMiB(baseline),
      all_up_and_idle_mb: inMiB(withSessions),
      bytes_per_session: {
        heap_used: perSession(baseline.heapUsed, withSessions.heapUsed),
        rss: perSession(baseline.rss, withSessions.rss),
      },
      goal_bytes_per_session: GOAL_BYTES_PER_SESSION,
    };
    log(`memory: ${JSON.stringify(memory)}`);

    log('a status from every device: each crosses its account session');
    const receivedBefore = await loaded.process.metric('shelly_ingest_frames_received_total');
    const framesSent = sim.devices.reduce((sum, device) => sum + sim.emitStatus(device), 0);
    await waitUntil(
      async () =>
        (await loaded.process.metric('shelly_ingest_frames_received_total')) - receivedBefore >=
        framesSent,
      30_000,
      `the service to receive ${framesSent} frames`,
    );
    const delivery = {
      devices: sim.devices.length,
      frames_sent: framesSent,
      frames_received:
        (await loaded.process.metric('shelly_ingest_frames_received_total')) - receivedBefore,
    };

    const result = {
      measured_at: new Date().toISOString(),
      node: process.version,
      accounts: ACCOUNTS,
      open_files_limit: openFiles,
      note: 'one service process, the simulator (in the benchmark process), Kafka and Postgres share this machine',
      oauth_code_exchange: {
        seconds: round(linkSeconds, 1),
        per_s: Math.round(ACCOUNTS / linkSeconds),
      },
      connect,
      disruptions,
      memory,
      delivery,
    };
    writeFileSync(
      resolve(__dirname, '../../bench/results/accounts.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await stopService();
    await sim.stop();
    await deleteTopicsStartingWith(kafkaBrokers, prefix);
    await database.drop();
  }
}

/** Hex id of the device the account at `index` owns: a Shelly OUI and the index. */
function deviceId(index: number): string {
  return `a8032a${index.toString(16).padStart(6, '0')}`;
}

/** Logs every account in through the simulator's login page and `/oauth/auth`, 16 at a time. */
async function linkAll(sim: ShellySimulator, cipher: TokenCipher): Promise<LinkedRow[]> {
  const queue = [...sim.accounts];
  const rows: LinkedRow[] = [];
  const worker = async () => {
    for (let account = queue.pop(); account; account = queue.pop()) {
      const { accessToken } = await linkAccount(sim, account.userId, account.host);
      const now = new Date();
      const grant = readGrant({ access_token: accessToken }, account.userId, now);
      // Shaped as the service names accounts, so that session keys weigh what they do in production.
      const id = `acc_${randomBytes(12).toString('base64url')}`;
      rows.push({
        id,
        userId: account.userId,
        sealedToken: cipher.seal(grant.accessToken, id),
        expiresAt: grant.expiresAt,
        renewAfter: renewalDue(now, grant.expiresAt),
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return rows;
}

async function insertAccounts(databaseUrl: string, rows: LinkedRow[]): Promise<void> {
  await sql(
    databaseUrl,
    `INSERT INTO linked_account (id, partner_id, shelly_user_id, api_host, scope, status,
                                 access_token, token_expires_at, renew_after, linked_at, updated_at)
     SELECT a.id, $1, a.user_id, $2, 'read', 'active', a.token, a.expires_at, a.renew_after, now(), now()
     FROM unnest($3::text[], $4::bigint[], $5::text[], $6::timestamptz[], $7::timestamptz[])
       AS a(id, user_id, token, expires_at, renew_after)`,
    [
      PARTNER,
      HOST,
      rows.map((row) => row.id),
      rows.map((row) => row.userId),
      rows.map((row) => row.sealedToken),
      rows.map((row) => row.expiresAt),
      rows.map((row) => row.renewAfter),
    ],
  );
}

interface Memory {
  heapUsed: number;
  rss: number;
}

/** V8 heap in use and resident set, in bytes: the median of samples each taken after a full collection. */
async function sampleMemory(inspector: Inspector): Promise<Memory> {
  const heapUsed: number[] = [];
  const rss: number[] = [];
  for (let sample = 0; sample < MEMORY_SAMPLES; sample++) {
    await inspector.collectGarbage();
    const usage = await inspector.memoryUsage();
    heapUsed.push(usage.heapUsed);
    rss.push(usage.rss);
    await sleep(1_000);
  }
  const median = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  return { heapUsed: median(heapUsed), rss: median(rss) };
}

function inMiB(memory: Memory): { heap_used: number; rss: number } {
  const mib = (bytes: number) => round(bytes / 1024 / 1024, 2);
  return { heap_used: mib(memory.heapUsed), rss: mib(memory.rss) };
}

async function snapshotHeap(inspector: Inspector, name: string): Promise<void> {
  if (!HEAP_SNAPSHOT_DIR) return;
  const path = resolve(HEAP_SNAPSHOT_DIR, `${name}.heapsnapshot`);
  await inspector.writeHeapSnapshot(path);
  log(`heap snapshot: ${path}`);
}

/** The soft limit of open files, which the service and this process inherit. */
function openFilesLimit(): number {
  const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return line?.[1] === 'unlimited' ? Infinity : Number(line?.[1] ?? 0);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
