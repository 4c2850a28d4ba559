import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parentPort, workerData } from 'node:worker_threads';

export interface LatencyConsumerJob {
  brokers: string;
  topic: string;
}

/**
 * Reads status events as they arrive with kcat (librdkafka, an outside client with a short fetch
 * wait) and records, for each one that came from the simulator's load mode, the time from the
 * simulator's send (`status._bench.sentAt`, epoch ms) to its receipt here. Runs in a worker thread so
 * that parsing does not delay the simulator's sends in the main thread.
 */
const job = workerData as LatencyConsumerJob;
const kcat = spawn(
  'kcat',
  [
    '-C',
    '-b',
    job.brokers,
    '-t',
    job.topic,
    '-o',
    'end',
    '-u',
    '-q',
    '-f',
    '%s\\n',
    '-X',
    'fetch.wait.max.ms=5',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let latencies: number[] = [];
createInterface({ input: kcat.stdout }).on('line', (line) => {
  const now = performance.timeOrigin + performance.now();
  const sentAt = /"sentAt":([\d.]+)/.exec(line)?.[1];
  if (sentAt !== undefined) latencies.push(now - Number(sentAt));
});
parentPort?.on('message', (message: { kind: 'collect' | 'stop' }) => {
  parentPort?.postMessage({ kind: 'latencies', latencies });
  latencies = [];
  if (message.kind === 'stop') {
    kcat.kill();
    process.exit(0);
  }
});
// kcat starts at the end of each partition; give it time to be assigned them before the load starts.
setTimeout(() => parentPort?.postMessage({ kind: 'ready' }), 3000);
