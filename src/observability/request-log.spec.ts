import { once } from 'node:events';
import { createServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { LevelWithSilent } from 'pino';
import { createLogger } from './logger';
import { requestLog } from './request-log';

interface Line {
  level: string;
  msg: string;
  requestId: string;
  req: { method: string; url: string };
  res: { statusCode: number };
  responseTime: number;
}

describe('request log', () => {
  let server: Server;
  let lines: Line[];
  let url: string;

  /** A server answering with the status of its path (`/204`), or never for `/hang`. */
  async function start(level: LevelWithSilent): Promise<void> {
    const written: Line[] = (lines = []);
    const logger = createLogger({ level, format: 'json' }, [], {
      write: (line: string) => written.push(JSON.parse(line) as Line),
    });
    const log = requestLog(logger);
    server = createServer((request, response) =>
      log(request, response, () => {
        if (request.url === '/hang') return;
        response.statusCode = Number(new URL(request.url ?? '', url).pathname.slice(1));
        response.end();
      }),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  afterEach(() => {
    server.closeAllConnections();
    server.close();
  });

  async function logged(count: number): Promise<Line[]> {
    for (let tries = 0; tries < 100 && lines.length < count; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return lines;
  }

  it("echoes a caller's sane X-Request-Id and logs the request under it", async () => {
    await start('info');
    const response = await fetch(`${url}/204?q=1`, {
      headers: { 'x-request-id': 'req-42', authorization: 'Bearer sik_secret' },
    });

    expect(response.headers.get('x-request-id')).toBe('req-42');
    const [line] = await logged(1);
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request completed',
      requestId: 'req-42',
      req: { method: 'GET', url: '/204?q=1' },
      res: { statusCode: 204 },
    });
    expect(line.responseTime).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(line)).not.toContain('sik_secret');
  });

  it('replaces an X-Request-Id that is not a plain token with a UUID', async () => {
    await start('info');
    const response = await fetch(`${url}/200`, { headers: { 'x-request-id': 'a b<script>' } });

    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await logged(1))[0].requestId).toBe(id);
  });

  it('logs a server error at error, and nothing of a success when info is not written', async () => {
    await start('warn');
    await fetch(`${url}/200`);
    await fetch(`${url}/503`);

    const [line] = await logged(1);
    expect(lines).toHaveLength(1);
    expect(line).toMatchObject({ level: 'error', res: { statusCode: 503 } });
  });

  it('logs a request whose client left before the answer as aborted', async () => {
    await start('info');
    const request = httpRequest(`${url}/hang`);
    request.on('error', () => undefined);
    request.end();
    await new Promise((resolve) => setTimeout(resolve, 50));
    request.destroy();

    const [line] = await logged(1);
    expect(line).toMatchObject({ level: 'warn', msg: 'request aborted', req: { url: '/hang' } });
  });
});
