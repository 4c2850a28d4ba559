import { createConnection, createServer, Socket } from 'node:net';

export interface DatabaseProxy {
  /** The database URL with the proxy's host and port. */
  url: string;
  /** An outage: open connections are closed and new ones refused. */
  refuse(): Promise<void>;
  /** A silent database: open connections stop carrying data; new ones are accepted, never answered. */
  hang(): void;
  /** Closes the open connections. */
  cut(): void;
  /** Forwards again; after a hang on new connections only, as the open ones lost their place in the protocol. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** A TCP proxy in front of the Postgres of `databaseUrl`, which a test can cut off or silence. */
export async function startDatabaseProxy(databaseUrl: string): Promise<DatabaseProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let forwarding = true;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const cut = () => {
    for (const socket of sockets) socket.destroy();
  };

  const server = createServer((client) => {
    track(client);
    if (!forwarding) return;
    const upstream = createConnection(Number(target.port || 5432), target.hostname);
    track(upstream);
    client.on('data', (chunk) => forwarding && upstream.write(chunk));
    upstream.on('data', (chunk) => forwarding && client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = async () => {
    const closed = new Promise<void>((resolve) =>
      server.listening ? server.close(() => resolve()) : resolve(),
    );
    cut();
    await closed;
  };

  await listen(0);
  const { port } = server.address() as { port: number };
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  return {
    url: url.toString(),
    refuse: stopListening,
    hang: () => {
      forwarding = false;
    },
    cut,
    restore: async () => {
      if (!forwarding) cut();
      forwarding = true;
      if (!server.listening) await listen(port);
    },
    close: stopListening,
  };
}
