import { ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { eventually } from './eventually';
import { freePort } from './free-port';
import { requireServices, testApiKeyPepper, testIntegratorToken } from './services';

const builtMain = resolve(__dirname, '../../dist/main.js');

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  afterSignalMs: number;
  output: string;
}

/** The built service as a process of its own, as it runs in production. */
export interface ServiceProcess {
  url: string;
  port: number;
  managementUrl: string;
  /** What the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends the signal and resolves with how the process ended. */
  signal(signal: NodeJS.Signals): Promise<ProcessExit>;
}

/**
 * Starts `dist/main.js` on real Postgres and Kafka with `env` over the defaults of the test services,
 * on free ports, and resolves once it answers `/health/live`. `REPLICA_URL` is its own address.
 */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const managementPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [builtMain], {
    cwd: tmpdir(),
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      KAFKA_BROKERS: requireServices().kafkaBrokers,
      KAFKA_TOPIC_PARTITIONS: '1',
      SHELLY_INTEGRATOR_TAG: 'ITG_TEST',
      SHELLY_INTEGRATOR_TOKEN: testIntegratorToken,
      API_KEY_PEPPER: testApiKeyPepper,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      MANAGEMENT_PORT: String(managementPort),
      REPLICA_URL: url,
      ...(process.env.KAFKA_CLIENT ? { KAFKA_CLIENT: process.env.KAFKA_CLIENT } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let signalledAt = 0;
  const exited = new Promise<ProcessExit>((done) =>
    child.once('exit', (code, signal) =>
      done({ code, signal, afterSignalMs: Date.now() - signalledAt, output }),
    ),
  );
  const managementUrl = `http://127.0.0.1:${managementPort}`;
  const exitedEarly = exited.then(({ output: written }) => {
    throw new Error(`the service exited early:\n${written}`);
  });
  exitedEarly.catch(() => undefined);
  await Promise.race([
    eventually(async () => {
      expect((await fetch(`${managementUrl}/health/live`).catch(() => undefined))?.status).toBe(
        200,
      );
    }, 30_000),
    exitedEarly,
  ]);
  return {
    url,
    port,
    managementUrl,
    output: () => output,
    signal: (signal) => {
      signalledAt = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
