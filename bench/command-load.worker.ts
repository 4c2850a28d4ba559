import { Agent, request as httpRequest } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';

const HTTP_CONNECTIONS = 64;

export interface DirectJob {
  mode: 'direct';
  /** One socket URL per host, with a token of an integrator of its own. */
  sockets: { host: string; url: string }[];
  devices: { deviceId: string; host: string }[];
  ratePerSecond: number;
  durationMs: number;
}

export interface HttpJob {
  mode: 'http';
  url: string;
  key: string;
  devices: { id: string }[];
  ratePerSecond: number;
  durationMs: number;
}

export interface LoadReport {
  sent: number;
  latenciesMs: number[];
  /** Answers by HTTP status and error code (or `isok` for direct commands). */
  answers: Record<string, number>;
  elapsedMs: number;
  /** How far the sender fell behind its schedule at worst. */
  maxLagMs: number;
}

/**
 * Paced, open-loop load: request i leaves at start + i / rate whatever earlier answers did, so a
 * slow answer shows as latency instead of lowering the rate. Latency runs from sending to the
 * answer. Runs on its own thread so that it does not share the measured side's event loop.
 */
async function paced(
  job: { ratePerSecond: number; durationMs: number },
  send: (index: number) => Promise<string>,
): Promise<LoadReport> {
  const total = Math.round((job.ratePerSecond * job.durationMs) / 1000);
  const latenciesMs: number[] = [];
  const answers: Record<string, number> = {};
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  let maxLagMs = 0;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / job.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    const sentAt = performance.now();
    inFlight.push(
      send(i).then(
        (answer) => {
          latenciesMs.push(performance.now() - sentAt);
          answers[answer] = (answers[answer] ?? 0) + 1;
        },
        (error: unknown) => {
          const key = `error: ${(error as Error).message}`;
          answers[key] = (answers[key] ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return { sent: total, latenciesMs, answers, elapsedMs: performance.now() - started, maxLagMs };
}

async function direct(job: DirectJob): Promise<LoadReport> {
  const waiting = new Map<number, (answer: string) => void>();
  const sockets = new Map<string, WebSocket>();
  for (const { host, url } of job.sockets) {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as {
        event?: string;
        trid?: number;
        data?: { isok?: boolean };
      };
      if (frame.event !== 'Shelly:CommandResponse' || frame.trid === undefined) return;
      waiting.get(frame.trid)?.(frame.data?.isok ? 'isok' : 'refused');
      waiting.delete(frame.trid);
    });
    sockets.set(host, socket);
  }
  const report = await paced(job, (index) => {
    const device = job.devices[index % job.devices.length];
    const trid = index + 1;
    return new Promise<string>((resolve) => {
      waiting.set(trid, resolve);
      sockets.get(device.host)!.send(
        JSON.stringify({
          event: 'Shelly:CommandRequest',
          trid,
          deviceId: device.deviceId,
          data: { cmd: 'relay', params: { id: 0, turn: 'toggle' } },
        }),
      );
    });
  });
  for (const socket of sockets.values()) socket.close();
  return report;
}

/** The status, and for an error the API's error code: `429 rate_limited`. */
function answerOf(status: number | undefined, body: Buffer[]): string {
  if (status === undefined || status < 400) return String(status);
  const { code } = JSON.parse(Buffer.concat(body).toString()) as { code: string };
  return `${status} ${code}`;
}

/**
 * A partner system's client: keep-alive connections, at most `HTTP_CONNECTIONS` of them; a request
 * that finds them all busy waits for one, and that wait counts as latency.
 */
function http(job: HttpJob): Promise<LoadReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: HTTP_CONNECTIONS });
  const target = new URL(job.url);
  const body = JSON.stringify({ type: 'relay', channel: 0, action: 'toggle' });
  const headers = {
    authorization: `Bearer ${job.key}`,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
  };
  return paced(job, (index) => {
    const device = job.devices[index % job.devices.length];
    return new Promise<string>((resolve, reject) => {
      const request = httpRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path: `/v1/devices/${device.id}/commands`,
          headers,
        },
        (response) => {
          const body: Buffer[] = [];
          response.on('data', (chunk: Buffer) => body.push(chunk));
          response.once('end', () => resolve(answerOf(response.statusCode, body)));
          response.once('error', reject);
        },
      );
      request.once('error', reject);
      request.end(body);
    });
  }).finally(() => agent.destroy());
}

const job = workerData as DirectJob | HttpJob;
void (job.mode === 'direct' ? direct(job) : http(job)).then((report) =>
  parentPort?.postMessage(report),
);
