import { createServer, Server } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler, PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';

type QueryQueue = PGLiteSocketHandlerOptions['queryQueue'];

interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
}

const PROTOCOL_SYNC = Uint8Array.of(0x53, 0, 0, 0, 4);
/** A simple Query message; `db.exec` would wait for the lock this already holds. */
const PROTOCOL_ROLLBACK = simpleQuery('ROLLBACK');
const NOTIFICATION_RESPONSE = 0x41; // 'A'

function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const message = Buffer.alloc(5 + text.length);
  message.write('Q', 0, 'latin1');
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}

/** What an incoming frontend message is: the startup packet has no type byte, its length starts with 0. */
function kindOf(message: Uint8Array): string {
  return message[0] === 0 ? 'startup' : String.fromCharCode(message[0]);
}

/**
 * Runs the messages of many connections on PGlite's single backend session, in the place of
 * pglite-socket's own queue (its `maxConnections` multiplexer). That queue switches connections
 * between the messages of one extended-protocol query (Parse, Bind, Execute, Sync), so concurrent
 * parameterized queries from a `pg` pool get each other's portals ("portal does not exist", wrong
 * rows); and a NOTIFY reaches the connection that committed it rather than those that LISTEN.
 *
 * Here a connection holds the session from its first message until its query is complete (Sync or
 * a simple Query) and no transaction is open; the others wait their turn. Notifications go to the
 * connections that issued `LISTEN` on the channel (as a simple query). Session-level state is still
 * shared by all connections: one backend, as in any PGlite setup.
 */
class SessionScheduler {
  private readonly queue: Pending[] = [];
  private owner: number | undefined;
  private running = false;
  private readonly sinks = new Map<number, (data: Uint8Array) => void>();
  private readonly listening = new Map<number, Set<string>>();

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void) {
    this.sinks.set(handlerId, onData);
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.pump();
    });
  }

  /** The connection went away: its waiting messages are dropped. */
  clearQueueForHandler(handlerId: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].handlerId !== handlerId) continue;
      this.queue[i].reject(new Error('connection closed'));
      this.queue.splice(i, 1);
    }
    this.sinks.delete(handlerId);
    this.listening.delete(handlerId);
  }

  /** As a backend does when its client goes away: end a half-sent query and roll back. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    try {
      await this.db.runExclusive(async () => {
        await this.db.execProtocolRawStream(PROTOCOL_SYNC, { onRawData: () => undefined });
        if (this.db.isInTransaction()) {
          await this.db.execProtocolRawStream(PROTOCOL_ROLLBACK, { onRawData: () => undefined });
        }
      });
    } finally {
      this.owner = undefined;
      void this.pump();
    }
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index =
          this.owner === undefined
            ? 0
            : this.queue.findIndex((pending) => pending.handlerId === this.owner);
        // Empty, or the owner has not sent its next message yet: the others keep waiting.
        if (index < 0 || index >= this.queue.length) break;
        const [next] = this.queue.splice(index, 1);
        await this.run(next);
      }
    } finally {
      this.running = false;
    }
  }

  private async run(pending: Pending): Promise<void> {
    const kind = kindOf(pending.message);
    if (kind === 'X') {
      // Terminate ends this connection, not the one backend all connections share.
      if (this.owner === pending.handlerId) this.owner = undefined;
      pending.resolve(0);
      return;
    }
    if (kind === 'Q') this.trackListen(pending.handlerId, pending.message);
    const output = new BackendMessageSplitter();
    let bytes = 0;
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(pending.message, {
          onRawData: (chunk) => {
            bytes += chunk.length;
            const own: Uint8Array[] = [];
            for (const message of output.push(chunk)) {
              if (message[0] === NOTIFICATION_RESPONSE) this.notify(message);
              else own.push(message);
            }
            if (own.length > 0) pending.onData(Buffer.concat(own));
          },
        }),
      );
    } catch (error) {
      this.owner = undefined;
      pending.reject(error as Error);
      return;
    }
    const complete = kind === 'S' || kind === 'Q' || kind === 'startup';
    this.owner = complete && !this.db.isInTransaction() ? undefined : pending.handlerId;
    pending.resolve(bytes);
  }

  private trackListen(handlerId: number, message: Uint8Array): void {
    const sql = Buffer.from(message.subarray(5, message.length - 1)).toString('utf8');
    for (const statement of sql.split(';')) {
      const match = /^\s*(UN)?LISTEN\s+(\*|"[^"]+"|[A-Za-z_][\w$]*)\s*$/i.exec(statement);
      if (!match) continue;
      const channels = this.listening.get(handlerId) ?? new Set<string>();
      this.listening.set(handlerId, channels);
      const name = match[2].startsWith('"') ? match[2].slice(1, -1) : match[2].toLowerCase();
      if (!match[1]) channels.add(name);
      else if (name === '*') channels.clear();
      else channels.delete(name);
    }
  }

  /** NotificationResponse: int32 process id, channel and payload as C strings. */
  private notify(message: Uint8Array): void {
    const body = Buffer.from(message.subarray(9));
    const channel = body.subarray(0, body.indexOf(0)).toString('utf8');
    for (const [handlerId, channels] of this.listening) {
      if (channels.has(channel)) this.sinks.get(handlerId)?.(message);
    }
  }
}

/** Cuts backend output into whole messages (type byte, int32 length, body). */
class BackendMessageSplitter {
  private rest = Buffer.alloc(0);

  *push(chunk: Uint8Array): Generator<Uint8Array> {
    this.rest = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : Buffer.from(chunk);
    let offset = 0;
    while (this.rest.length - offset >= 5) {
      const end = offset + 1 + this.rest.readInt32BE(offset + 1);
      if (end > this.rest.length) break;
      yield this.rest.subarray(offset, end);
      offset = end;
    }
    this.rest = this.rest.subarray(offset);
  }
}

/**
 * Postgres without installing Postgres: PGlite (Postgres compiled to WebAssembly, in memory)
 * served over the wire protocol on 127.0.0.1, so the service connects with its usual `pg` pool,
 * Prisma adapter and LISTEN client. For the demo only: one backend session serves every
 * connection, one statement at a time.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: Server,
    private readonly handlers: Set<PGLiteSocketHandler>,
    readonly url: string,
  ) {}

  static async start(port = 0): Promise<EmbeddedPostgres> {
    const db = await PGlite.create();
    const scheduler = new SessionScheduler(db);
    const handlers = new Set<PGLiteSocketHandler>();
    const server = createServer((socket) => {
      const handler = new PGLiteSocketHandler({
        queryQueue: scheduler as unknown as QueryQueue,
        closeOnDetach: true,
      });
      handlers.add(handler);
      const forget = () => handlers.delete(handler);
      handler.addEventListener('close', forget);
      handler.addEventListener('error', forget);
      handler.attach(socket).catch(() => socket.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    const { port: bound } = server.address() as { port: number };
    // No password: PGlite trusts every connection, and a password would only be redacted from logs.
    return new EmbeddedPostgres(
      db,
      server,
      handlers,
      `postgresql://postgres@127.0.0.1:${bound}/postgres`,
    );
  }

  async stop(): Promise<void> {
    await Promise.all([...this.handlers].map((handler) => handler.detach(true)));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.db.close();
  }
}
