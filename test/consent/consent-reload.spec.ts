import { QueryResultRow } from 'pg';
import { ConsentCache } from '../../src/consent/consent-cache';
import { RunningService, startService } from '../support/app';
import { callbackBody, callbackPublicKeyPem, sendCallback } from '../support/consent-callbacks';
import { eventually } from '../support/eventually';
import { createMigratedDatabase } from '../support/services';
import { sql } from '../support/sql';

const devices = ['224830197358001', '224830197358002', '224830197358003', '224830197358004'];

/**
 * Two instances on one database, their consent listeners cut again and again while consent changes:
 * whatever the order of reloads and notices, each ends up holding exactly what the database holds.
 */
describe('the consent cache across listener reloads', () => {
  let database: { url: string; drop(): Promise<void> };
  let writer: RunningService;
  let reader: RunningService;

  beforeAll(async () => {
    database = await createMigratedDatabase();
    const env = { SHELLY_CONSENT_PUBLIC_KEY: callbackPublicKeyPem };
    writer = await startService(env, database);
    reader = await startService(env, database);
  });

  afterAll(async () => {
    await reader?.stop();
    await writer?.stop();
    await database?.drop();
  });

  const query = async <T extends QueryResultRow>(text: string) =>
    (await sql<T>(database.url, text)).rows;

  const cutListeners = () =>
    query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
    );

  const held = (service: RunningService) =>
    devices
      .map((decimal) => Number(decimal).toString(16))
      .map((id) => [id, service.app.get(ConsentCache).get(id)?.scope ?? 'none']);

  it('converges on the stored consents, revokes included, on both instances', async () => {
    for (let round = 0; round < 12; round++) {
      await cutListeners();
      await Promise.all(
        devices.map((deviceId, index) =>
          sendCallback(
            `${writer.url}/v1/shelly/consent`,
            'ITG_TEST',
            callbackBody({
              deviceId,
              action: (round + index) % 3 === 0 ? 'remove' : 'add',
              accessGroups: round % 2 === 0 ? '01' : '00',
            }),
          ),
        ),
      );
    }
    const stored = await query<{ device_id: string; scope: string }>(
      'SELECT device_id, scope FROM device_consent',
    );
    const expected = devices
      .map((decimal) => Number(decimal).toString(16))
      .map((id) => [id, stored.find((row) => row.device_id === id)?.scope ?? 'none']);
    expect(expected.some(([, scope]) => scope === 'none')).toBe(true);

    await eventually(() => {
      expect(held(writer)).toEqual(expected);
      expect(held(reader)).toEqual(expected);
    }, 10_000);
  });
});
