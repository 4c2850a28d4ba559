import { ApiKeyStore } from '../../src/partners/api-key.store';
import { RunningService, startService } from '../support/app';
import { openApiProblems } from '../support/openapi-contract';

/** The admin API of API keys, as partner systems and operators meet it. */
describe('the API-keys API', () => {
  let service: RunningService;
  let keys: ApiKeyStore;
  let admin: { id: string; key: string };

  beforeAll(async () => {
    service = await startService();
    keys = service.app.get(ApiKeyStore);
    admin = await keys.create('ops', ['admin']);
  });

  afterAll(() => service?.stop());

  async function call(method: string, path: string, key: string | null, body?: unknown) {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('refuses every route to keys without the admin scope', async () => {
    const read = await keys.create('partner', ['read'], { partnerId: 'default' });
    const control = await keys.create('partner', ['read', 'control'], { partnerId: 'default' });
    for (const key of [read.key, control.key]) {
      const answers = await Promise.all([
        call('POST', '/v1/api-keys', key, { name: 'mine', scopes: ['admin'] }),
        call('GET', '/v1/api-keys', key),
        call('DELETE', `/v1/api-keys/${admin.id}`, key),
      ]);
      expect(answers.map((a) => [a.status, a.body.code])).toEqual([
        [403, 'api_key_scope_missing'],
        [403, 'api_key_scope_missing'],
        [403, 'api_key_scope_missing'],
      ]);
    }
    expect((await keys.list()).filter((k) => k.name === 'mine')).toEqual([]);
  });

  it('refuses a real key id with a wrong secret', async () => {
    const forged = `sik_${admin.id}_${'A'.repeat(43)}`;
    const answer = await call('GET', '/v1/api-keys', forged);
    expect([answer.status, answer.body.code]).toEqual([401, 'api_key_invalid']);
  });

  it('records which admin key created and revoked a key, and the revoked key stops working', async () => {
    const created = await call('POST', '/v1/api-keys', admin.key, {
      name: 'installer app',
      scopes: ['read'],
      partnerId: 'default',
    });
    expect(created.status).toBe(201);
    expect(created.body.createdBy).toBe(admin.id);
    expect(openApiProblems('CreatedApiKey', created.body)).toEqual([]);
    const partnerKey = created.body.key as string;
    expect((await call('GET', '/v1/devices', partnerKey)).status).toBe(200);

    const revoked = await call('DELETE', `/v1/api-keys/${created.body.id as string}`, admin.key);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ createdBy: admin.id, revokedBy: admin.id });
    expect(typeof revoked.body.revokedAt).toBe('string');

    // At once on this instance, although the key was verified a moment ago: a revoke drops it from
    // the verification cache (other instances follow within that cache's 2 s).
    const after = await call('GET', '/v1/devices', partnerKey);
    expect([after.status, after.body.code]).toEqual([401, 'api_key_invalid']);
  });

  it('leaves no admin key on a key made with the command line', async () => {
    const listed = await call('GET', '/v1/api-keys', admin.key);
    const own = (listed.body as unknown as { id: string; createdBy: string | null }[]).find(
      (k) => k.id === admin.id,
    );
    expect(own?.createdBy).toBeNull();
    expect(openApiProblems('ApiKeyList', listed.body)).toEqual([]);
  });
});
