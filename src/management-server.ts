import { createServer, IncomingMessage, RequestListener, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { OPENAPI_JSON_PATH, OPENAPI_UI_PATH } from './api-document';
import { DomainError } from './common';
import { type AppConfig, InjectConfig } from './config';

/** What the management port serves: probes, Prometheus and the API document. */
const MANAGEMENT_PATHS = ['/health', '/metrics', OPENAPI_JSON_PATH, OPENAPI_UI_PATH];

function isManagementPath(path: string): boolean {
  return MANAGEMENT_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * The HTTP server of MANAGEMENT_PORT, a second server over the same Express application as the API
 * port, so that one set of modules answers both. It closes only after the API port, so that probes
 * and scrapes are answered through the whole shutdown.
 */
@Injectable()
export class ManagementServer implements OnApplicationShutdown {
  private server?: Server;
  /** Kept from the listen: `server.address()` asks the kernel again on every call. */
  private listeningPort?: number;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** The port it listens on; undefined when the API port serves management paths too. */
  get port(): number | undefined {
    return this.listeningPort;
  }

  async listen(): Promise<void> {
    const { managementPort, host } = this.config.http;
    if (managementPort === null) return;
    const server = createServer(this.adapterHost.httpAdapter.getInstance<RequestListener>());
    await new Promise<void>((listening, failed) => {
      server.once('error', failed);
      server.listen(managementPort, host, listening);
    });
    this.server = server;
    this.listeningPort = (server.address() as AddressInfo).port;
  }

  /** Express middleware: each port answers 404 for the other port's paths. */
  readonly separatePorts = (
    request: IncomingMessage & { path: string },
    _response: unknown,
    next: (error?: unknown) => void,
  ): void => {
    const onManagementPort = request.socket.localPort === this.port;
    if (isManagementPath(request.path) === onManagementPort) next();
    else next(new DomainError('not_found', 'no such route'));
  };

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((closed) => server.close(() => closed()));
  }
}
