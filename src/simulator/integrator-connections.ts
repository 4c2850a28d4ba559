import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { ConsentRegistry } from './consent-registry';
import { refuseUpgrade } from './http-io';
import type { Connection } from './integrator-protocol';
import type { IntegratorTokens } from './integrator-token';
import type { SimulatedDevice } from './simulated-device';
import type { SimulatorFaults } from './simulator-faults';
import type { ConnectionInfo, SimulatorOptions } from './simulator.types';

export const REPLACED_CLOSE_CODE = 4000;
export const TOKEN_BROKEN_CLOSE_CODE = 4401;
const SOCKET_PATH = /^\/([^/]+)\/shelly\/wss\/hk_sock$/;

export interface OpenConnection extends Connection {
  socket: WebSocket;
  openedAt: number;
  frozen: boolean;
}

export interface IntegratorConnectionDependencies extends Pick<
  SimulatorOptions,
  'expiredTokenHandling' | 'connectionPolicy'
> {
  hosts: readonly string[];
  tokens: IntegratorTokens;
  consents: ConsentRegistry;
  faults: SimulatorFaults;
  /** A text frame from the integrator, unless the connection is frozen. */
  onFrame(connection: OpenConnection, text: string): void;
}

/** The integrators' WebSockets, one per integrator and host: the handshake, and frames out. */
export class IntegratorConnections {
  private readonly open = new Map<string, OpenConnection>();
  /** Sockets open at once per integrator and host, now and at most so far. */
  private readonly live = new Map<string, number>();
  private readonly peaks = new Map<string, number>();
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    maxPayload: 1024 * 1024,
    autoPong: false,
  });

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
    let peak = 0;
    for (const [key, count] of this.peaks)
      if (key.endsWith(`|${host}`)) peak = Math.max(peak, count);
    return peak;
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

  async accept(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { hosts, faults, tokens } = this.deps;
    const url = new URL(request.url ?? '/', 'http://simulator');
    const match = SOCKET_PATH.exec(url.pathname);
    const host = match ? decodeURIComponent(match[1]) : undefined;
    if (host === undefined || !hosts.includes(host)) {
      refuseUpgrade(socket, 404, 'UNKNOWN_HOST');
      return;
    }
    if (faults.isRefusing(host)) {
      refuseUpgrade(socket, 503, 'HOST_UNAVAILABLE');
      return;
    }
    const check = await tokens.check(url.searchParams.get('t'));
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
      const live = (this.live.get(key) ?? 0) + 1;
      this.live.set(key, live);
      this.peaks.set(key, Math.max(live, this.peaks.get(key) ?? 0));
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
        this.live.set(key, (this.live.get(key) ?? 1) - 1);
        if (this.open.get(key) === connection) this.open.delete(key);
      });
      ws.on('error', () => undefined);
    });
  }
}

function connectionKey(integrator: string, host: string): string {
  return `${integrator}|${host}`;
}
