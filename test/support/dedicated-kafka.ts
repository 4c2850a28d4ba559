import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './free-port';

const scripts = resolve(__dirname, '../../deploy/local/kafka');

export interface DedicatedKafka {
  brokers: string;
  start(): void;
  stop(): void;
  destroy(): void;
}

/**
 * A Kafka broker of the test's own (same scripts and jars as the shared one), for scenarios that
 * stop the broker while the service runs. Its data survives stop/start, like a real restart.
 */
export async function startDedicatedKafka(): Promise<DedicatedKafka> {
  const env = {
    ...process.env,
    KAFKA_PORT: String(await freePort()),
    KAFKA_CONTROLLER_PORT: String(await freePort()),
    KAFKA_STATE_DIR: mkdtempSync(join(tmpdir(), 'kafka-it-')),
  };
  const run = (script: string) =>
    execFileSync('bash', [join(scripts, script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  run('start.sh');
  return {
    brokers: `127.0.0.1:${env.KAFKA_PORT}`,
    start: () => run('start.sh'),
    stop: () => run('stop.sh'),
    destroy: () => {
      run('stop.sh');
      rmSync(env.KAFKA_STATE_DIR, { recursive: true, force: true });
    },
  };
}
