import { ConsentCache } from '../../src/consent/consent-cache';
import { ConsentTokenPurge } from '../../src/consent/consent-token-purge';
import { RunningService, startService } from '../support/app';
import { callbackBody, callbackPublicKeyPem, signedCallback } from '../support/consent-callbacks';
import { sql } from '../support/sql';

/** A token counts for one callback, and an older callback never undoes a newer one. */
describe('consent callback replays', () => {
  let service: RunningService;
  let url: string;
  let device = 224830197357000;

  beforeAll(async () => {
    service = await startService({ SHELLY_CONSENT_PUBLIC_KEY: callbackPublicKeyPem });
    url = `${service.url}/v1/shelly/consent`;
  });

  afterAll(() => service?.stop());

  /** A device id of its own for each test. */
  const nextDevice = () => String((device += 1));
  const hex = (decimal: string) => Number(decimal).toString(16);

  async function post(request: { headers: Record<string, string>; body: string }) {
    const response = await fetch(url, { method: 'POST', ...request });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const count = async (text: string, ...parameters: string[]) =>
    Number((await sql<{ n: string }>(service.databaseUrl, text, parameters)).rows[0].n);
  const historyOf = (id: string) =>
    count('SELECT count(*) AS n FROM consent_history WHERE device_id = $1', hex(id));
  /** Rows ever written to the outbox: the relay deletes rows it has published, so a count of rows could fall between two reads. */
  const outboxWrites = () => count('SELECT last_value AS n FROM outbox_event_id_seq');
  const cached = (id: string) => service.app.get(ConsentCache).get(hex(id));

  it('answers an exact repeat of a callback with its token 200 unchanged and writes nothing', async () => {
    const deviceId = nextDevice();
    const callback = await signedCallback('ITG_TEST', callbackBody({ deviceId }));
    expect((await post(callback)).body).toMatchObject({ change: 'granted' });
    const [history, outbox] = [await historyOf(deviceId), await outboxWrites()];

    expect(await post(callback)).toEqual({
      status: 200,
      body: { status: 'ok', change: 'unchanged' },
    });

    expect([await historyOf(deviceId), await outboxWrites()]).toEqual([history, outbox]);
  });

  it('refuses a token that comes again with another body, and changes nothing', async () => {
    const deviceId = nextDevice();
    const readOnly = await signedCallback(
      'ITG_TEST',
      callbackBody({ deviceId, accessGroups: '00' }),
    );
    await post(readOnly);
    const history = await historyOf(deviceId);

    const forged = {
      ...readOnly,
      body: JSON.stringify(callbackBody({ deviceId, accessGroups: '01' })),
    };
    expect(await post(forged)).toMatchObject({ status: 409, body: { code: 'trust_token_reused' } });

    expect(await historyOf(deviceId)).toBe(history);
    expect(cached(deviceId)?.scope).toBe('read');
  });

  it('refuses a token that comes again with another body even when its first callback changed nothing', async () => {
    const deviceId = nextDevice();
    await post(await signedCallback('ITG_TEST', callbackBody({ deviceId, accessGroups: '00' })));
    const repeat = await signedCallback('ITG_TEST', callbackBody({ deviceId, accessGroups: '00' }));
    expect((await post(repeat)).body).toMatchObject({ change: 'unchanged' });

    const forged = {
      ...repeat,
      body: JSON.stringify(callbackBody({ deviceId, accessGroups: '01' })),
    };
    expect(await post(forged)).toMatchObject({ status: 409, body: { code: 'trust_token_reused' } });
    expect(cached(deviceId)?.scope).toBe('read');
  });

  it('refuses an add whose token is older than the remove applied after it, so the device stays revoked', async () => {
    const deviceId = nextDevice();
    const now = Date.now();
    await post(
      await signedCallback('ITG_TEST', callbackBody({ deviceId }), undefined, now - 20_000),
    );
    const oldAdd = await signedCallback(
      'ITG_TEST',
      callbackBody({ deviceId }),
      undefined,
      now - 10_000,
    );
    const remove = await signedCallback(
      'ITG_TEST',
      callbackBody({ deviceId, action: 'remove' }),
      undefined,
      now,
    );
    expect((await post(remove)).body).toMatchObject({ change: 'revoked' });
    const history = await historyOf(deviceId);

    expect(await post(oldAdd)).toMatchObject({
      status: 409,
      body: { code: 'trust_token_superseded' },
    });

    expect(await historyOf(deviceId)).toBe(history);
    expect(cached(deviceId)).toBeUndefined();
  });

  it('revokes on a remove that names a host outside the allowlist or no more than the action', async () => {
    for (const body of [
      (deviceId: string) => callbackBody({ deviceId, action: 'remove', host: 'evil.example.com' }),
      () => ({ action: 'remove' as const }),
    ]) {
      const deviceId = nextDevice();
      await post(await signedCallback('ITG_TEST', callbackBody({ deviceId })));
      const remove = await signedCallback('ITG_TEST', { ...body(deviceId), deviceId });
      const minimal = { ...remove, body: JSON.stringify(body(deviceId)) };

      expect(await post(minimal)).toEqual({
        status: 200,
        body: { status: 'ok', change: 'revoked' },
      });
      expect(cached(deviceId)).toBeUndefined();
    }
  });

  it('purges accepted tokens only once they have expired beyond the clock skew', async () => {
    const deviceId = nextDevice();
    const oldEnough = Date.now() - 200_000;
    await sql(
      service.databaseUrl,
      `INSERT INTO consent_callback_token (token_hash, device_id, callback_hash, issued_at, expires_at)
       VALUES ('expired-token', $1, 'h', $2, $3), ('live-token', $1, 'h', $2, now() + interval '1 minute')`,
      [hex(deviceId), new Date(oldEnough), new Date(oldEnough + 120_000)],
    );
    await service.app.get(ConsentTokenPurge).purge();
    const { rows } = await sql<{ token_hash: string }>(
      service.databaseUrl,
      'SELECT token_hash FROM consent_callback_token WHERE device_id = $1',
      [hex(deviceId)],
    );
    expect(rows.map((r) => r.token_hash)).toEqual(['live-token']);
  });
});
