import { parentPort, workerData } from 'node:worker_threads';

export interface LoadJob {
  url: string;
  requests: { headers: Record<string, string>; body: string }[];
  concurrency: number;
  durationMs: number;
}

export interface LoadReport {
  latenciesMs: number[];
  failures: number;
  elapsedMs: number;
}

/** Sends the requests with a fixed number in flight until they run out or time is up. */
async function run(job: LoadJob): Promise<LoadReport> {
  const latenciesMs: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + job.durationMs;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (performance.now() < deadline && next < job.requests.length) {
        const request = job.requests[next++];
        const sent = performance.now();
        const response = await fetch(job.url, { method: 'POST', ...request });
        await response.arrayBuffer();
        latenciesMs.push(performance.now() - sent);
        if (response.status !== 200) failures++;
      }
    }),
  );
  return { latenciesMs, failures, elapsedMs: performance.now() - started };
}

void run(workerData as LoadJob).then((report) => parentPort?.postMessage(report));
