import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface ServiceProcess {
  url: string;
  pid: number;
  /** Resident set size of the process now, in MiB. */
  rssMb(): number;
  /** Resident set and the V8 heap now, in MiB: the heap from `metrics`, or a scrape of its own. */
  memory(metrics?: MetricReader): Promise<MemorySample>;
  /** CPU time the process (all its threads) has used since it started, user + system, in seconds. */
  cpuSeconds(): number;
  /** One sample of the service's /metrics, summed over label sets matching `labels`. */
  metric(name: string, labels?: string): Promise<number>;
  /** One scrape of /metrics, to read several figures of the same moment. */
  metrics(): Promise<MetricReader>;
  /** Bucket counts of a histogram: `le` bound to cumulative count. */
  histogram(name: string): Promise<Map<number, number>>;
  stop(): Promise<void>;
  /** SIGKILL: the process dies without a word, as on a node failure. */
  kill(): Promise<void>;
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  /** Memory outside the heap that V8 knows of: Buffers and ArrayBuffers, mostly. */
  external: number;
}

/** A metric of one scrape, summed over label sets matching `labels`. */
export type MetricReader = (name: string, labels?: string) => number;

/** Starts `node <script>` (the built service, or a baseline) as its own process and waits until it answers. */
export async function startProcess(
  script: string,
  env: Record<string, string>,
  port: number,
  nodeArgs: string[] = [],
): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, resolve(script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    if (waited > 60_000) throw new Error(`${script} did not answer within 60 s`);
    const up = await fetch(`${url}/health/live`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    await new Promise((wake) => setTimeout(wake, 100));
  }
  const scrape = async () => (await fetch(`${url}/metrics`)).text();
  const rssMb = () => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return inMb(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) * 1024);
  };
  return {
    url,
    pid: child.pid as number,
    rssMb,
    memory: async (metrics) => {
      const metric = metrics ?? readMetric(await scrape());
      const mb = (name: string) => inMb(metric(name));
      return {
        rss: rssMb(),
        heapUsed: mb('nodejs_heap_size_used_bytes'),
        heapTotal: mb('nodejs_heap_size_total_bytes'),
        external: mb('nodejs_external_memory_bytes'),
      };
    },
    cpuSeconds: () => processCpuSeconds(child.pid as number),
    metric: async (name, labels) => readMetric(await scrape())(name, labels),
    metrics: async () => readMetric(await scrape()),
    histogram: async (name) => {
      const buckets = new Map<number, number>();
      for (const line of (await scrape()).split('\n')) {
        const match = new RegExp(`^${name}_bucket\\{.*le="([^"]+)".*\\} (\\S+)$`).exec(line);
        if (match) buckets.set(Number(match[1]), Number(match[2]));
      }
      return buckets;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

const inMb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** A scrape of a Prometheus text exposition, to read metrics from: each summed over the label sets that contain `labels`. */
function readMetric(text: string): MetricReader {
  const lines = text.split('\n');
  return (name, labels = '') => {
    let sum = 0;
    for (const line of lines) {
      if (!line.startsWith(name) || line.startsWith('#')) continue;
      const rest = line.slice(name.length);
      if (rest[0] !== ' ' && rest[0] !== '{') continue;
      if (labels && !rest.includes(labels)) continue;
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  };
}

let clockTicksPerSecond: number | undefined;

/** utime + stime of `/proc/<pid>/stat`, which count in clock ticks (`getconf CLK_TCK`). */
function processCpuSeconds(pid: number): number {
  clockTicksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name, field 2, is in parentheses and may hold spaces; utime and stime are fields 14
  // and 15, so the 12th and 13th after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}

/** p-th percentile (0..100) of the observations between two scrapes of a histogram, interpolated in its bucket, in ms. */
export function histogramPercentileMs(
  before: Map<number, number>,
  after: Map<number, number>,
  p: number,
): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const total = counts[counts.length - 1];
  if (!total) return NaN;
  const rank = (p / 100) * total;
  let lower = 0;
  let below = 0;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i] >= rank) {
      const upper = Number.isFinite(bounds[i]) ? bounds[i] : lower;
      const inBucket = counts[i] - below;
      const share = inBucket > 0 ? (rank - below) / inBucket : 1;
      return Math.round((lower + (upper - lower) * share) * 1000 * 100) / 100;
    }
    lower = bounds[i];
    below = counts[i];
  }
  return NaN;
}
