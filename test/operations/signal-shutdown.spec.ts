import { connect } from 'node:net';
import { eventually } from '../support/eventually';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { createMigratedDatabase, uniqueTopicPrefix } from '../support/services';

describe('the service process on SIGTERM', () => {
  let database: { url: string; drop(): Promise<void> };
  const started: ServiceProcess[] = [];

  beforeAll(async () => {
    database = await createMigratedDatabase();
  });

  afterAll(async () => {
    await Promise.all(started.map((service) => service.signal('SIGKILL')));
    await database?.drop();
  });

  async function startMain(env: Record<string, string>): Promise<ServiceProcess> {
    const service = await startServiceProcess({
      DATABASE_URL: database.url,
      KAFKA_TOPIC_PREFIX: uniqueTopicPrefix(),
      ...env,
    });
    started.push(service);
    return service;
  }

  it('closes down and exits 0', async () => {
    const service = await startMain({ SHUTDOWN_DRAIN_MS: '0', SHUTDOWN_GRACE_MS: '20000' });
    const exit = await service.signal('SIGTERM');
    // Exit code 0 means it closed within SHUTDOWN_GRACE_MS (else it would be 1).
    expect(exit.code).toBe(0);
    expect(exit.output).toContain('"msg":"shutting down"');
  }, 40_000);

  it('drains first: reports not ready while it still answers requests, then closes', async () => {
    const service = await startMain({ SHUTDOWN_DRAIN_MS: '5000', SHUTDOWN_GRACE_MS: '20000' });
    const exit = service.signal('SIGTERM');
    await eventually(
      async () => expect((await fetch(`${service.managementUrl}/health/ready`)).status).toBe(503),
      4_000,
    );
    // An API request during the drain is served (here refused for its unknown key), not turned away.
    const during = await fetch(`${service.url}/v1/devices`, {
      headers: { authorization: 'Bearer sik_unknown' },
    });
    expect(during.status).toBe(401);
    const { code, output } = await exit;
    expect(code).toBe(0);
    expect(output).toContain('"msg":"draining"');
    expect(output.indexOf('"msg":"draining"')).toBeLessThan(
      output.indexOf('"msg":"shutting down"'),
    );
  }, 40_000);

  it('exits 1 when closing takes longer than SHUTDOWN_GRACE_MS', async () => {
    const graceMs = 2_000;
    const service = await startMain({
      SHUTDOWN_DRAIN_MS: '0',
      SHUTDOWN_GRACE_MS: String(graceMs),
    });
    // A request whose body never completes keeps the HTTP server from closing.
    const stalled = connect(service.port, '127.0.0.1');
    stalled.on('error', () => undefined);
    await new Promise((done) => stalled.once('connect', done));
    stalled.write(
      'POST /v1/shelly/consent HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"us',
    );
    const exit = await service.signal('SIGTERM');
    stalled.destroy();
    expect(exit.code).toBe(1);
    // It waited for the grace period before it gave up (timers never fire early).
    expect(exit.afterSignalMs).toBeGreaterThanOrEqual(graceMs - 50);
    expect(exit.output).toContain('shutdown took longer than SHUTDOWN_GRACE_MS');
  }, 40_000);
});
