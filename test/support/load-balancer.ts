import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** How often readiness is asked, as a Kubernetes readiness probe and endpoint update would. */
const PROBE_EVERY_MS = 200;

export interface Backend {
  url: string;
  managementUrl: string;
}

/**
 * A load balancer in front of replicas, like a Kubernetes Service: each request goes once, round
 * robin, to a replica whose `/health/ready` answered 200 at the last probe; it is never retried.
 * A replica leaves the rotation only when a probe finds it not ready, so requests keep reaching a
 * replica for a moment after it began to leave, as they do in a cluster.
 */
export interface LoadBalancer {
  url: string;
  add(backend: Backend): void;
  remove(backend: Backend): void;
  /** Whether the last probe found the backend ready, so that requests reach it. */
  inRotation(backend: Backend): boolean;
  close(): Promise<void>;
}

export async function startLoadBalancer(): Promise<LoadBalancer> {
  const backends = new Map<string, { backend: Backend; ready: boolean }>();
  let next = 0;
  const probe = async () => {
    await Promise.all(
      [...backends.values()].map(async (entry) => {
        const answer = await fetch(`${entry.backend.managementUrl}/health/ready`).catch(
          () => undefined,
        );
        entry.ready = answer?.status === 200;
      }),
    );
  };
  const prober = setInterval(() => void probe(), PROBE_EVERY_MS);

  const pass = async (request: IncomingMessage, response: ServerResponse) => {
    const ready = [...backends.values()].filter((entry) => entry.ready);
    if (ready.length === 0) {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: 'no_ready_backend' }));
      return;
    }
    const { backend } = ready[next++ % ready.length];
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))
        headers[name] = value;
    }
    try {
      const answer = await fetch(`${backend.url}${request.url}`, {
        method: request.method,
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      });
      const body = Buffer.from(await answer.arrayBuffer());
      const answerHeaders: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!['connection', 'content-length', 'transfer-encoding', 'keep-alive'].includes(name))
          answerHeaders[name] = value;
      });
      response.writeHead(answer.status, answerHeaders);
      response.end(body);
    } catch (error) {
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ code: 'backend_unreachable', message: (error as Error).message }),
      );
    }
  };
  const server = createServer((request, response) => void pass(request, response));
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    add: (backend) => backends.set(backend.url, { backend, ready: false }),
    remove: (backend) => backends.delete(backend.url),
    inRotation: (backend) => backends.get(backend.url)?.ready === true,
    close: async () => {
      clearInterval(prober);
      server.closeAllConnections();
      await new Promise((closed) => server.close(closed));
    },
  };
}
