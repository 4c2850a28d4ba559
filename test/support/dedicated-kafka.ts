import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './free-port';

// From the repository's root, where tests and benchmarks run, whether compiled to dist-bench or not.
const scripts = resolve('deploy/local/kafka');

export interface DedicatedKafka {
  brokers: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A Kafka broker of the test's own (same scripts and jars as the shared one), for scenarios that
 * stop the broker while the service runs. Its data survives stop/start, like a real restart. The
 * scripts run asynchronously: a service in this process keeps running meanwhile, as it would while a
 * real broker goes down.
 */
export async function startDedicatedKafka(): Promise<DedicatedKafka> {
  const env = {
    ...process.env,
    KAFKA_PORT: String(await freePort()),
    KAFKA_CONTROLLER_PORT: String(await freePort()),
    KAFKA_STATE_DIR: mkdtempSync(join(tmpdir(), 'kafka-it-')),
  };
  const run = async (script: string) => {
    await promisify(execFile)('bash', [join(scripts, script)], { env });
  };
  await run('start.sh');
  return {
    brokers: `127.0.0.1:${env.KAFKA_PORT}`,
    start: () => run('start.sh'),
    stop: () => run('stop.sh'),
    destroy: async () => {
      await run('stop.sh');
      rmSync(env.KAFKA_STATE_DIR, { recursive: true, force: true });
    },
  };
}
