import { Worker } from 'node:worker_threads';
import { ShellySimulator } from './simulator.server';

/**
 * Measures how many frames per second the load generator can push over loopback to a WebSocket
 * client that only counts them. The client runs on its own thread so the figure is the
 * simulator's, on one core.
 */
export interface CeilingOptions {
  durationMs?: number;
  devices?: number;
  maxBufferedBytes?: number;
}

export interface CeilingReport {
  durationMs: number;
  devices: number;
  framesSent: number;
  framesReceived: number;
  framesPerSecond: number;
  megabytesPerSecond: number;
  averageFrameBytes: number;
}

const HOST = 'shelly-1-eu.shelly.cloud';

const COUNTING_CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require(workerData.wsPath);
const socket = new WebSocket(workerData.url, { perMessageDeflate: false });
let received = 0;
let expected = Infinity;
socket.on('message', () => {
  received += 1;
  if (received >= expected) finish();
});
socket.on('open', () => parentPort.postMessage({ open: true }));
socket.on('close', () => finish());
parentPort.on('message', (message) => {
  expected = message.expected;
  if (received >= expected) finish();
  setTimeout(finish, 10000).unref();
});
function finish() {
  parentPort.postMessage({ received });
  socket.terminate();
  parentPort.close();
}
`;

export async function measureSimulatorCeiling(
  options: CeilingOptions = {},
): Promise<CeilingReport> {
  const durationMs = options.durationMs ?? 5000;
  const simulator = await ShellySimulator.start({
    integrators: [{ tag: 'ITG_CEILING', token: 'ceiling' }],
    hosts: [HOST],
    fleet: { count: options.devices ?? 1000 },
    seed: 1,
  });
  try {
    for (const device of simulator.devices) await simulator.grantConsent(device, { userId: 1 });
    const worker = new Worker(COUNTING_CLIENT, {
      eval: true,
      workerData: {
        url: simulator.wsUrl(HOST, await simulator.issueToken()),
        wsPath: require.resolve('ws'),
      },
    });
    const messages = workerMessages(worker);
    await messages.next();
    const report = await simulator.load({
      eventsPerSecond: 1e9,
      durationMs,
      maxBufferedBytes: options.maxBufferedBytes,
    });
    worker.postMessage({ expected: report.framesSent });
    const { received } = (await messages.next()) as { received: number };
    return {
      durationMs: Math.round(report.elapsedMs),
      devices: report.devices,
      framesSent: report.framesSent,
      framesReceived: received,
      framesPerSecond: Math.round(report.framesPerSecond),
      megabytesPerSecond: Math.round((report.bytesSent / report.elapsedMs / 1000) * 10) / 10,
      averageFrameBytes: Math.round(report.bytesSent / Math.max(1, report.framesSent)),
    };
  } finally {
    await simulator.stop();
  }
}

function workerMessages(worker: Worker): { next(): Promise<unknown> } {
  const queue: unknown[] = [];
  const waiting: ((message: unknown) => void)[] = [];
  worker.on('message', (message: unknown) => {
    const wake = waiting.shift();
    if (wake) wake(message);
    else queue.push(message);
  });
  return {
    next: () =>
      queue.length > 0
        ? Promise.resolve(queue.shift())
        : new Promise((resolve) => waiting.push(resolve)),
  };
}
