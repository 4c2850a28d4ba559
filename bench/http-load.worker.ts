import { Agent, request as httpRequest } from 'node:http';
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
  /** CPU time of this thread during the load, user + system, in ms. */
  cpuMs: number;
}

type Send = (request: LoadJob['requests'][number]) => Promise<number>;

/**
 * node:http with a keep-alive agent: undici's fetch costs this thread about three times the CPU per
 * request, CPU the service on the same two cores then lacks.
 */
function httpSender(url: string, concurrency: number): Send {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  return (request) =>
    new Promise((done, fail) => {
      const outgoing = httpRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
        },
        (response) => {
          response.resume();
          response.once('end', () => done(response.statusCode ?? 0));
          response.once('error', fail);
        },
      );
      outgoing.once('error', fail);
      outgoing.end(request.body);
    });
}

/** Sends the requests with a fixed number in flight until they run out or time is up. */
async function run(job: LoadJob): Promise<LoadReport> {
  const send = httpSender(job.url, job.concurrency);
  const latenciesMs: number[] = [];
  let failures = 0;
  let next = 0;
  const cpuBefore = process.threadCpuUsage();
  const started = performance.now();
  const deadline = started + job.durationMs;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (performance.now() < deadline && next < job.requests.length) {
        const request = job.requests[next++];
        const sent = performance.now();
        const status = await send(request);
        latenciesMs.push(performance.now() - sent);
        if (status !== 200) failures++;
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const cpu = process.threadCpuUsage(cpuBefore);
  return { latenciesMs, failures, elapsedMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

void run(workerData as LoadJob).then((report) => parentPort?.postMessage(report));
