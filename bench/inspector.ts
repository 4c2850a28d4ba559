import { createWriteStream } from 'node:fs';
import WebSocket from 'ws';

interface InspectorMessage {
  id?: number;
  method?: string;
  params?: { chunk?: string };
  result?: { result?: { value?: unknown } };
  error?: { message: string };
}

/**
 * A process started with `--inspect=127.0.0.1:<port>`, reached through the inspector protocol: a
 * benchmark can collect its garbage, read its memory and take a heap snapshot without any code for
 * it in the process.
 */
export class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, (message: InspectorMessage) => void>();
  private onChunk?: (chunk: string) => void;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as InspectorMessage;
      if (message.method === 'HeapProfiler.addHeapSnapshotChunk') {
        this.onChunk?.(message.params?.chunk ?? '');
      } else if (message.id !== undefined) {
        this.pending.get(message.id)?.(message);
        this.pending.delete(message.id);
      }
    });
  }

  static async connect(port: number): Promise<Inspector> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    const socket = new WebSocket(targets[0].webSocketDebuggerUrl, { perMessageDeflate: false });
    await new Promise<void>((open, fail) => {
      socket.once('open', () => open());
      socket.once('error', fail);
    });
    return new Inspector(socket);
  }

  /** A full, blocking garbage collection in the process. */
  async collectGarbage(): Promise<void> {
    await this.call('HeapProfiler.collectGarbage');
  }

  /** `process.memoryUsage()` of the process. */
  async memoryUsage(): Promise<NodeJS.MemoryUsage> {
    const message = await this.call('Runtime.evaluate', {
      expression: 'process.memoryUsage()',
      returnByValue: true,
    });
    return message.result?.result?.value as NodeJS.MemoryUsage;
  }

  /** Writes a heap snapshot of the process to `path` (for Chrome DevTools' Memory tab). */
  async writeHeapSnapshot(path: string): Promise<void> {
    const file = createWriteStream(path);
    this.onChunk = (chunk) => file.write(chunk);
    try {
      await this.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    } finally {
      this.onChunk = undefined;
      await new Promise((done) => file.end(done));
    }
  }

  close(): void {
    this.socket.close();
  }

  private call(method: string, params: object = {}): Promise<InspectorMessage> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (message) =>
        message.error ? reject(new Error(`${method}: ${message.error.message}`)) : resolve(message),
      );
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }
}
