import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AccountConnections } from './account-connections';
import type { CloudControlRoutes } from './cloud-control.routes';
import type { ConsentRegistry } from './consent-registry';
import { handleControlRequest } from './control.routes';
import { readBody, refuse, refuseUpgrade, sendJson } from './http-io';
import type { IntegratorConnections } from './integrator-connections';
import { Directory, socketDeviceId } from './integrator-protocol';
import type { IntegratorTokens } from './integrator-token';
import { LOGIN_PATH, OAUTH_AUTH_PATH, OAuthRoutes } from './oauth.routes';
import type { SimulatorFaults } from './simulator-faults';
import type { IntegratorCredentials, SimulatorControl } from './simulator.types';

export const TOKEN_PATH = '/integrator/get_access_token';
const UNSUBSCRIBE_PATH = '/integrator/unsubscribe_device';
const SOCKET_PATH = '/shelly/wss/hk_sock';
/** A cloud host's own paths, `/{host}/…`. */
const HOSTED_PATH = /^\/([^/]+)(\/.*)$/;
const FORM_LIMIT_BYTES = 16 * 1024;

export interface HttpTransportDependencies {
  integrators: readonly IntegratorCredentials[];
  hosts: readonly string[];
  tokens: IntegratorTokens;
  directory: Directory;
  consents: ConsentRegistry;
  connections: IntegratorConnections;
  accountConnections: AccountConnections;
  oauth: OAuthRoutes;
  cloudControl: CloudControlRoutes;
  faults: SimulatorFaults;
  control: SimulatorControl;
}

/**
 * The simulator's one HTTP port: the Integrator API's token and unsubscribe endpoints, the OAuth
 * login and token endpoints, the Cloud Control API, the `/simulator/` control endpoints, and the
 * WebSocket handshakes of integrator and account sockets. A cloud host's endpoints sit under
 * `/{host}/`.
 */
export class HttpTransport {
  private readonly server = createServer();

  constructor(private readonly deps: HttpTransportDependencies) {
    this.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.route(request, response).catch((error: unknown) => {
        if (!response.headersSent) {
          sendJson(response, 500, { error: 'INTERNAL', message: String(error) });
        }
      });
    });
    this.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => undefined);
      this.upgrade(request, socket, head).catch(() => socket.destroy());
    });
  }

  /** Returns the port listened on, a free one when `port` is 0. */
  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://simulator').pathname;
    if (path === TOKEN_PATH) return this.onTokenRequest(request, response);
    if (path === LOGIN_PATH) return this.deps.oauth.login(request, response);
    if (path.startsWith('/simulator/')) {
      return handleControlRequest(this.deps.control, request, response, path);
    }
    const hosted = this.hostedPath(path);
    if (hosted?.path === UNSUBSCRIBE_PATH) {
      return this.onUnsubscribe(hosted.host, request, response);
    }
    if (hosted?.path === OAUTH_AUTH_PATH) {
      return this.deps.oauth.exchange(hosted.host, request, response);
    }
    if (hosted && this.deps.cloudControl.handles(hosted.path)) {
      return this.deps.cloudControl.handle(hosted.host, hosted.path, request, response);
    }
    sendJson(response, 404, { error: 'NOT_FOUND' });
  }

  /**
   * Both socket kinds share host, port and path (protocol 4.3): an OAuth access token in `t` makes
   * it an account's Real Time Events socket, anything else is the integrator's handshake.
   */
  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://simulator');
    const hosted = this.hostedPath(url.pathname);
    if (hosted?.path !== SOCKET_PATH) return refuseUpgrade(socket, 404, 'UNKNOWN_HOST');
    if (this.deps.faults.isRefusing(hosted.host)) {
      return refuseUpgrade(socket, 503, 'HOST_UNAVAILABLE');
    }
    const token = url.searchParams.get('t');
    const { accountConnections, connections } = this.deps;
    if (await accountConnections.accept(hosted.host, token, request, socket, head)) return;
    await connections.accept(hosted.host, token, request, socket, head);
  }

  /** `/{host}/<path>`, split into a simulated host and the path on it. */
  private hostedPath(path: string): { host: string; path: string } | undefined {
    const match = HOSTED_PATH.exec(path);
    if (!match) return undefined;
    const host = decodeURIComponent(match[1]);
    return this.deps.hosts.includes(host) ? { host, path: match[2] } : undefined;
  }

  private async onTokenRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') return refuse(response, 405, 'method_not_allowed', 'use POST');
    const form = new URLSearchParams(await readBody(request, FORM_LIMIT_BYTES));
    const tag = form.get('itg');
    const known = this.deps.integrators.find(
      (integrator) => integrator.tag === tag && integrator.token === form.get('token'),
    );
    if (!known) {
      return refuse(response, 200, 'wrong_credentials', 'Invalid integrator tag or token');
    }
    sendJson(response, 200, { isok: true, data: await this.deps.tokens.issue(known.tag) });
  }

  /**
   * `POST /{host}/integrator/unsubscribe_device` with the integrator JWT as Bearer and form field
   * `id` (decimal device id): the integrator drops a device itself. No consent callback follows.
   */
  private async onUnsubscribe(
    host: string,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const { tokens, directory, consents } = this.deps;
    if (request.method !== 'POST') return refuse(response, 405, 'method_not_allowed', 'use POST');
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const check = await tokens.check(bearer);
    if (!check.ok) {
      return refuse(response, 401, 'unauthorized', 'missing or invalid integrator token');
    }
    const deviceId = socketDeviceId(
      new URLSearchParams(await readBody(request, FORM_LIMIT_BYTES)).get('id'),
    );
    const device = deviceId === undefined ? undefined : directory.device(deviceId);
    if (!device || !directory.consent(check.tag, device.identity.deviceId)) {
      return refuse(response, 200, 'device_not_found', 'no integrated device with this id');
    }
    if (device.host !== host) return refuse(response, 200, 'wrong_host', device.host);
    consents.remove(check.tag, device.identity.deviceId);
    sendJson(response, 200, { isok: true });
  }
}
