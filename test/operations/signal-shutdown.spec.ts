import { ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import {
  createMigratedDatabase,
  requireServices,
  testApiKeyPepper,
  testIntegratorToken,
  uniqueTopicPrefix,
} from '../support/services';

const builtMain = resolve(__dirname, '../../dist/main.js');

interface Exit {
  code: number | null;
  afterSignalMs: number;
  output: string;
}

/** The built service as a process of its own, on real Postgres and Kafka. */
async function startMain(databaseUrl: string, graceMs: number) {
  const port = await freePort();
  const managementPort = await freePort();
  const child: ChildProcess = spawn(process.execPath, [builtMain], {
    cwd: tmpdir(),
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: requireServices().kafkaBrokers,
      KAFKA_TOPIC_PREFIX: uniqueTopicPrefix(),
      KAFKA_TOPIC_PARTITIONS: '1',
      SHELLY_INTEGRATOR_TAG: 'ITG_TEST',
      SHELLY_INTEGRATOR_TOKEN: testIntegratorToken,
      API_KEY_PEPPER: testApiKeyPepper,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      MANAGEMENT_PORT: String(managementPort),
      SHUTDOWN_GRACE_MS: String(graceMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`the service exited early:\n${output}`);
    const live = await fetch(`http://127.0.0.1:${managementPort}/health/live`).catch(
      () => undefined,
    );
    expect([live?.status, output]).toEqual([200, expect.any(String)]);
  }, 30_000);
  return {
    url,
    port,
    /** Sends the signal and resolves with how the process ended. */
    signal(signal: NodeJS.Signals): Promise<Exit> {
      const sentAt = Date.now();
      const exited = new Promise<Exit>((done) =>
        child.once('exit', (code) => done({ code, afterSignalMs: Date.now() - sentAt, output })),
      );
      child.kill(signal);
      return exited;
    },
    kill: () => child.kill('SIGKILL'),
  };
}

describe('the service process on SIGTERM', () => {
  let database: { url: string; drop(): Promise<void> };
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    database = await createMigratedDatabase();
  });

  afterAll(async () => {
    for (const cleanup of cleanups) cleanup();
    await database?.drop();
  });

  it('closes down and exits 0', async () => {
    const service = await startMain(database.url, 20_000);
    cleanups.push(service.kill);
    const exit = await service.signal('SIGTERM');
    // Exit code 0 means it closed within SHUTDOWN_GRACE_MS (else it would be 1).
    expect(exit.code).toBe(0);
    expect(exit.output).toContain('"msg":"shutting down"');
  }, 40_000);

  it('exits 1 when closing takes longer than SHUTDOWN_GRACE_MS', async () => {
    const graceMs = 2_000;
    const service = await startMain(database.url, graceMs);
    cleanups.push(service.kill);
    // A request whose body never completes keeps the HTTP server from closing.
    const stalled = connect(service.port, '127.0.0.1');
    stalled.on('error', () => undefined);
    await new Promise((done) => stalled.once('connect', done));
    stalled.write(
      'POST /v1/shelly/consent HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"us',
    );
    const exit = await service.signal('SIGTERM');
    stalled.destroy();
    expect(exit.code).toBe(1);
    // It waited for the grace period before it gave up (timers never fire early).
    expect(exit.afterSignalMs).toBeGreaterThanOrEqual(graceMs - 50);
    expect(exit.output).toContain('shutdown took longer than SHUTDOWN_GRACE_MS');
  }, 40_000);
});
