import { readFileSync } from 'node:fs';
import { RunningService, startService } from '../support/app';
import { openApiPath } from '../support/openapi-contract';

/** The OpenAPI document the service serves is the one committed in the repository. */
describe('the OpenAPI document', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService();
  });

  afterAll(() => service?.stop());

  it('is served at /openapi.json exactly as committed (regenerate with `npm run openapi`)', async () => {
    const response = await fetch(`${service.managementUrl}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const committed = JSON.parse(readFileSync(openApiPath, 'utf8')) as unknown;
    expect(await response.json()).toEqual(committed);
  });

  it('documents every route of the control API with request and response schemas', () => {
    const document = JSON.parse(readFileSync(openApiPath, 'utf8')) as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>;
    };
    const text = JSON.stringify(document);
    for (const ref of text.match(/#\/components\/schemas\/[A-Za-z]+/g) ?? []) {
      expect(text).toContain(`"${ref.split('/').pop()}":{`);
    }
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/devices', '/v1/devices/{id}', '/v1/devices/{id}/commands']),
    );
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          expect({ path, method, status, hasSchema: response.content !== undefined }).toEqual({
            path,
            method,
            status,
            hasSchema: true,
          });
        }
      }
    }
  });

  it('has a UI at /docs', async () => {
    const response = await fetch(`${service.managementUrl}/docs`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('swagger-ui');
  });
});
