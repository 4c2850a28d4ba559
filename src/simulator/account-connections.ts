import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { Accounts } from './accounts';
import { createSocketServer, refuseUpgrade } from './http-io';
import { TOKEN_BROKEN_CLOSE_CODE } from './integrator-connections';
import type { OAuthTokens } from './oauth-tokens';
import type { SimulatedDevice } from './simulated-device';
import { SocketTally } from './socket-tally';
import type { AccountConnectionInfo } from './simulator.types';

export interface AccountSocket {
  userId: number;
  host: string;
  socket: WebSocket;
  openedAt: number;
}

export interface AccountConnectionDependencies {
  tokens: OAuthTokens;
  accounts: Accounts;
  /** A text frame from the account's client. */
  onFrame(connection: AccountSocket, text: string): void;
}

/**
 * The Real Time Events sockets: on the same host, port and path as the integrator sockets, told
 * apart by the OAuth access token in `t`. An account may hold several at once; each gets every
 * event of the account's devices.
 */
export class AccountConnections {
  private readonly open = new Set<AccountSocket>();
  private readonly tally = new SocketTally();
  private readonly wss = createSocketServer();

  constructor(private readonly deps: AccountConnectionDependencies) {}

  info(userId?: number): AccountConnectionInfo[] {
    return this.list(userId).map(({ userId: account, host, openedAt }) => ({
      userId: account,
      host,
      openedAt,
    }));
  }

  /** The most sockets the account had open at the same time, since the start. */
  peakConnections(userId: number): number {
    return this.tally.peak(String(userId));
  }

  /** To every socket of the device's owner; returns how many. */
  sendToOwner(device: SimulatedDevice, frame: string): number {
    const owner = this.deps.accounts.ownerOf(device);
    if (!owner) return 0;
    let sent = 0;
    for (const connection of this.list(owner.userId)) {
      if (connection.socket.readyState === WebSocket.OPEN) {
        connection.socket.send(frame);
        sent += 1;
      }
    }
    return sent;
  }

  /** The account's tokens were revoked: its sockets close as an expired token's would. */
  closeAll(userId: number): void {
    for (const connection of this.list(userId)) {
      connection.socket.close(TOKEN_BROKEN_CLOSE_CODE, 'Token-Broken');
    }
  }

  /** The account's sockets are cut without a close frame, as a network failure would; returns how many. */
  terminate(userId: number): number {
    const connections = this.list(userId);
    for (const connection of connections) connection.socket.terminate();
    return connections.length;
  }

  terminateAll(): void {
    for (const connection of this.open) connection.socket.terminate();
    this.open.clear();
  }

  /**
   * Takes the handshake when `token` is an access token this simulator issued, and tells whether it
   * did; anything else is left to the integrator sockets. An expired or revoked token gets the
   * socket, then close 4401 `Token-Broken`, as observed on the RTE channel.
   */
  async accept(
    host: string,
    token: string | null,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): Promise<boolean> {
    const check = await this.deps.tokens.checkAccess(token);
    if (!check.ok && (check.reason === 'missing' || check.reason === 'invalid')) return false;
    const account = check.ok ? this.deps.accounts.get(check.userId) : undefined;
    if (!check.ok || !account) {
      this.wss.handleUpgrade(request, socket, head, (ws) =>
        ws.close(TOKEN_BROKEN_CLOSE_CODE, 'Token-Broken'),
      );
      return true;
    }
    if (account.host !== host) {
      refuseUpgrade(socket, 401, 'WRONG_HOST');
      return true;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const connection: AccountSocket = {
        userId: account.userId,
        host,
        socket: ws,
        openedAt: Date.now(),
      };
      const key = String(account.userId);
      this.open.add(connection);
      this.tally.opened(key);
      ws.on('message', (data, isBinary) => {
        if (!isBinary) this.deps.onFrame(connection, (data as Buffer).toString('utf8'));
      });
      ws.on('ping', (data) => ws.pong(data));
      ws.on('close', () => {
        this.tally.closed(key);
        this.open.delete(connection);
      });
      ws.on('error', () => undefined);
    });
    return true;
  }

  private list(userId?: number): AccountSocket[] {
    return [...this.open].filter(
      (connection) => userId === undefined || connection.userId === userId,
    );
  }
}
