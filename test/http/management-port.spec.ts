import { RunningService, startService } from '../support/app';
import { freePort } from '../support/free-port';

const managementPaths = ['/health/live', '/health/ready', '/metrics', '/openapi.json', '/docs'];

describe('the management port', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService();
  });

  afterAll(() => service?.stop());

  it('is a port of its own', () => {
    expect(new URL(service.managementUrl).port).not.toBe(new URL(service.url).port);
  });

  it.each(managementPaths)('serves %s', async (path) => {
    const response = await fetch(`${service.managementUrl}${path}`);
    expect(response.status).toBe(200);
  });

  it.each(managementPaths)('leaves %s out of the API port', async (path) => {
    const response = await fetch(`${service.url}${path}`);
    expect([response.status, await response.json()]).toEqual([
      404,
      { code: 'not_found', message: 'no such route' },
    ]);
  });

  it('serves neither the REST API nor the consent callback', async () => {
    const devices = await fetch(`${service.managementUrl}/v1/devices`);
    const callback = await fetch(`${service.managementUrl}${service.config.consent.callbackPath}`, {
      method: 'POST',
    });
    expect([devices.status, callback.status]).toEqual([404, 404]);
    expect((await fetch(`${service.url}/v1/devices`)).status).toBe(401);
  });
});

describe('one port for everything, as the demo has', () => {
  let service: RunningService;

  beforeAll(async () => {
    const port = String(await freePort());
    service = await startService({ HTTP_PORT: port, MANAGEMENT_PORT: port });
  });

  afterAll(() => service?.stop());

  it('serves health, metrics and the API document beside the API', async () => {
    expect(service.managementUrl).toBe(service.url);
    for (const path of managementPaths) {
      expect([path, (await fetch(`${service.url}${path}`)).status]).toEqual([path, 200]);
    }
    expect((await fetch(`${service.url}/v1/devices`)).status).toBe(401);
  });
});
