import { ApiKeyStore } from '../../src/partners/api-key.store';
import { RunningService, startService } from '../support/app';
import { openApiProblems } from '../support/openapi-contract';

/** Partners and their keys, managed by admin keys over REST. */
describe('the partners API', () => {
  let service: RunningService;
  let admin: { id: string; key: string };

  beforeAll(async () => {
    service = await startService();
    admin = await service.app.get(ApiKeyStore).create('ops', ['admin']);
  });

  afterAll(() => service?.stop());

  async function call(method: string, path: string, body?: unknown, key = admin.key) {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('creates a partner, records which admin key did, and lists and shows it', async () => {
    const created = await call('POST', '/v1/partners', { id: 'acme', name: 'Acme Energy' });
    expect(created).toMatchObject({
      status: 201,
      body: { id: 'acme', name: 'Acme Energy', createdBy: admin.id },
    });
    expect(openApiProblems('Partner', created.body)).toEqual([]);

    const listed = await call('GET', '/v1/partners');
    expect((listed.body as unknown as { id: string }[]).map((p) => p.id)).toEqual([
      'default',
      'acme',
    ]);
    expect((await call('GET', '/v1/partners/acme')).body).toEqual(created.body);
  });

  it('refuses a second partner with the same id and ids that could not name a topic', async () => {
    await call('POST', '/v1/partners', { id: 'twice', name: 'Once' });
    expect(await call('POST', '/v1/partners', { id: 'twice', name: 'Twice' })).toMatchObject({
      status: 409,
      body: { code: 'partner_exists' },
    });
    for (const id of ['Acme', 'acme_energy', '-acme', 'acme-', 'a'.repeat(33), '']) {
      expect(await call('POST', '/v1/partners', { id, name: 'x' })).toMatchObject({
        status: 400,
        body: { code: 'invalid_body' },
      });
    }
  });

  it('answers 404 for a partner that does not exist, whatever the id looks like', async () => {
    for (const id of ['nobody', 'NOT_AN_ID', 'x'.repeat(200)]) {
      expect(await call('GET', `/v1/partners/${id}`)).toMatchObject({
        status: 404,
        body: { code: 'partner_not_found' },
      });
    }
  });

  it('creates keys that belong to a partner, and admin keys that belong to none', async () => {
    await call('POST', '/v1/partners', { id: 'keys-co', name: 'Keys Co' });
    const partnerKey = await call('POST', '/v1/api-keys', {
      name: 'backend',
      scopes: ['read', 'control'],
      partnerId: 'keys-co',
    });
    expect(partnerKey).toMatchObject({ status: 201, body: { partnerId: 'keys-co' } });
    const adminKey = await call('POST', '/v1/api-keys', { name: 'ops 2', scopes: ['admin'] });
    expect(adminKey).toMatchObject({ status: 201, body: { partnerId: null } });

    const listed = await call('GET', '/v1/api-keys?partner=keys-co');
    expect((listed.body as unknown as { id: string }[]).map((k) => k.id)).toEqual([
      partnerKey.body.id,
    ]);
  });

  it.each([
    ['a partner key without partner', { name: 'n', scopes: ['read'] }, 400, 'invalid_body'],
    [
      'an admin key with a partner',
      { name: 'n', scopes: ['admin'], partnerId: 'default' },
      400,
      'invalid_body',
    ],
    [
      'a key for a partner that does not exist',
      { name: 'n', scopes: ['read'], partnerId: 'nobody' },
      404,
      'partner_not_found',
    ],
  ])('refuses %s', async (_case, body, status, code) => {
    expect(await call('POST', '/v1/api-keys', body)).toMatchObject({ status, body: { code } });
  });
});
