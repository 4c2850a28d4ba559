import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { ConsentRegistry } from './consent-registry';
import { createSocketServer, refuseUpgrade } from './http-io';
import type { Connection } from './integrator-protocol';
import type { IntegratorTokens } from './integrator-token';
import type { SimulatedDevice } from './simulated-device';
import { SocketTally } from './socket-tally';
import type { ConnectionInfo, SimulatorOptions } from './simulator.types';

export const REPLACED_CLOSE_CODE = 4000;
export const TOKEN_BROKEN_CLOSE_CODE = 4401;

export interface OpenConnection extends Connection {
  socket: WebSocket;
  openedAt: number;
  frozen: boolean;
}

export interface IntegratorConnectionDependencies extends Pick<
  SimulatorOptions,
  'expiredTokenHandling' | 'connectionPolicy'
> {
  tokens: IntegratorTokens;
  consents: ConsentRegistry;
  /** A text frame from the integrator, unless the connection is frozen. */
  onFrame(connection: OpenConnection, text: string): void;
}

/** The integrators' WebSockets, one per integrator and host: the handshake, and frames out. */
export class IntegratorConnections {
  private readonly open = new Map<string, OpenConnection>();
  private readonly tally = new SocketTally();
  private readonly wss = createSocketServer();

  constructor(private readonly deps: IntegratorConnectionDependencies) {}

  info(host?: string): ConnectionInfo[] {
    return this.list(host).map(({ integrator, host: on, openedAt, frozen }) => ({
      integrator,
      host: on,
      openedAt,
      frozen,
    }));
  }

  list(host?: string): OpenConnection[] {
    return [...this.open.values()].filter(
      (connection) => host === undefined || connection.host === host,
    );
  }

  /** The most sockets one integrator had open to `host` at the same time, since the start. */
  peakConnections(host: string): number {
    return this.tally.highestPeak((key) => key.endsWith(`|${host}`));
  }

  socketOf(integrator: string, host: string): WebSocket | undefined {
    return this.open.get(connectionKey(integrator, host))?.socket;
  }

  /** To every consenting integrator with an open socket to the device's host; returns how many. */
  sendToConsenting(device: SimulatedDevice, frame: string): number {
    let sent = 0;
    for (const tag of this.deps.consents.integratorsOf(device)) {
      const connection = this.open.get(connectionKey(tag, device.host));
      if (connection && !connection.frozen && connection.socket.readyState === WebSocket.OPEN) {
        connection.socket.send(frame);
        sent += 1;
      }
    }
    return sent;
  }

  terminateAll(): void {
    for (const connection of this.open.values()) connection.socket.terminate();
    this.open.clear();
  }

  /** A handshake to a simulated host that is taking connections. */
  async accept(
    host: string,
    token: string | null,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): Promise<void> {
    const check = await this.deps.tokens.check(token);
    if (!check.ok) {
      if (check.reason === 'expired' && this.deps.expiredTokenHandling === 'close-4401') {
        this.wss.handleUpgrade(request, socket, head, (ws) =>
          ws.close(TOKEN_BROKEN_CLOSE_CODE, 'Token-Broken'),
        );
      } else {
        refuseUpgrade(socket, 401, `TOKEN_${check.reason.toUpperCase()}`);
      }
      return;
    }
    const key = connectionKey(check.tag, host);
    if (this.open.has(key) && this.deps.connectionPolicy === 'reject-newer') {
      refuseUpgrade(socket, 409, 'ALREADY_CONNECTED');
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const older = this.open.get(key);
      const connection: OpenConnection = {
        integrator: check.tag,
        host,
        socket: ws,
        openedAt: Date.now(),
        frozen: false,
      };
      this.open.set(key, connection);
      this.tally.opened(key);
      older?.socket.close(REPLACED_CLOSE_CODE, 'replaced by a newer connection');
      ws.on('message', (data, isBinary) => {
        if (!isBinary && !connection.frozen) {
          this.deps.onFrame(connection, (data as Buffer).toString('utf8'));
        }
      });
      ws.on('ping', (data) => {
        if (!connection.frozen) ws.pong(data);
      });
      ws.on('close', () => {
        this.tally.closed(key);
        if (this.open.get(key) === connection) this.open.delete(key);
      });
      ws.on('error', () => undefined);
    });
  }
}

function connectionKey(integrator: string, host: string): string {
  return `${integrator}|${host}`;
}
