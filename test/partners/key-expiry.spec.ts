import { Client } from 'pg';
import { ControlRig, startControlRig } from '../support/control';
import { eventually } from '../support/eventually';
import { openApiProblems } from '../support/openapi-contract';

/** Keys with an expiry, created through the admin API and used against the devices API. */
describe('API keys that expire', () => {
  let rig: ControlRig;

  beforeAll(async () => {
    rig = await startControlRig({ models: ['SHSW-1'] });
  });

  afterAll(() => rig?.stop());

  async function createKey(body: Record<string, unknown>) {
    const response = await fetch(`${rig.service.url}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rig.keys.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function expireInDatabase(id: string): Promise<void> {
    const client = new Client({ connectionString: rig.service.databaseUrl });
    await client.connect();
    try {
      await client.query(
        `UPDATE api_key SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [id],
      );
    } finally {
      await client.end();
    }
  }

  it('refuses to create a key that would be expired already', async () => {
    const created = await createKey({
      name: 'late',
      scopes: ['read'],
      partnerId: 'default',
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect([created.status, created.body.code]).toEqual([400, 'invalid_body']);
  });

  it('works until its expiry, then answers 401 api_key_expired', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await createKey({
      name: 'partner trial',
      scopes: ['read'],
      partnerId: 'default',
      expiresAt,
    });
    expect(created.status).toBe(201);
    expect(created.body.expiresAt).toBe(expiresAt);
    expect(openApiProblems('CreatedApiKey', created.body)).toEqual([]);
    const key = created.body.key as string;
    expect((await rig.get('/v1/devices', key)).status).toBe(200);

    await expireInDatabase(created.body.id as string);

    await eventually(async () => {
      const answer = await rig.get('/v1/devices', key);
      expect([answer.status, answer.body.code]).toEqual([401, 'api_key_expired']);
    }, 10_000);
  });

  it('lists the expiry of each key and keeps working for keys without one', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await createKey({
      name: 'listed',
      scopes: ['read'],
      partnerId: 'default',
      expiresAt,
    });
    const listed = await fetch(`${rig.service.url}/v1/api-keys`, {
      headers: { authorization: `Bearer ${rig.keys.admin}` },
    });
    const keys = (await listed.json()) as { id: string; expiresAt: string | null }[];
    expect(keys.find((k) => k.id === rig.keyIds.read)?.expiresAt).toBeNull();
    expect(keys.find((k) => k.id === created.body.id)?.expiresAt).toBe(expiresAt);
    expect((await rig.get('/v1/devices')).status).toBe(200);
  });
});
