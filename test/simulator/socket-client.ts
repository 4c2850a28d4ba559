import { WebSocket } from 'ws';

/** Frames off the wire are untyped JSON that tests read into freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Frame = Record<string, any>;

/** A test's integrator socket: collects every frame and waits for the ones a test expects. */
export class SocketClient {
  readonly frames: Frame[] = [];
  readonly rawFrames: { data: string; binary: boolean }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: { match: (frame: Frame) => boolean; resolve: (frame: Frame) => void }[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, binary) => {
      const text = (data as Buffer).toString('utf8');
      this.rawFrames.push({ data: text, binary });
      let frame: Frame;
      try {
        frame = JSON.parse(text) as Frame;
      } catch {
        return;
      }
      if (binary) return;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(frame)) return true;
        waiter.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static connect(url: string): Promise<SocketClient> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new SocketClient(socket)));
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`handshake refused with HTTP ${response.statusCode}`)),
      );
      socket.once('error', reject);
    });
  }

  /** Resolves with the first frame, already received or still to come, that matches. */
  next(match: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching frame arrived')), timeoutMs);
      this.waiters.push({
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  /** Sends a request and waits for the response carrying its `trid`. */
  request(frame: Frame & { trid: number | string }, responseEvent: string): Promise<Frame> {
    const answer = this.next((reply) => reply.event === responseEvent && reply.trid === frame.trid);
    this.socket.send(JSON.stringify(frame));
    return answer;
  }

  statusesOf(deviceId: string): Frame[] {
    return this.frames.filter(
      (frame) => frame.event === 'Shelly:StatusOnChange' && frame.deviceId === deviceId,
    );
  }

  close(): void {
    this.socket.terminate();
  }
}

/** The HTTP status a refused handshake answers with, or `open` when it was accepted. */
export function handshakeOutcome(url: string): Promise<number | 'open'> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      resolve('open');
      socket.terminate();
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', reject);
  });
}
