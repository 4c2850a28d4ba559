import { readMigrations } from '../../src/database/migrations';
import { migrate } from '../../src/database/migrator';
import { createEmptyDatabase } from '../support/services';
import { sql } from '../support/sql';

const PARTNERS_MIGRATION = '20261202020000_partners';

/** A database as it was before partners existed, with a consent, its history, keys and an audit row. */
async function databaseBeforePartners(url: string): Promise<void> {
  const all = readMigrations();
  await migrate(
    url,
    all.filter((m) => m.name < PARTNERS_MIGRATION),
  );
  await sql(
    url,
    `
      INSERT INTO device_consent (device_id, owner_user_id, scope, host)
        VALUES ('cc7b5c0c5d9c', 48213, 'control', 'shelly-103-eu.shelly.cloud');
      INSERT INTO consent_history (device_id, change, scope, owner_user_id, host, callback, verification)
        VALUES ('cc7b5c0c5d9c', 'granted', 'control', 48213, 'shelly-103-eu.shelly.cloud', '{}', '{}');
      INSERT INTO api_key (id, name, scopes, secret_hash) VALUES
        ('readkey00001', 'partner system', '{read,control}', 'h1'),
        ('adminkey0001', 'operator', '{admin}', 'h2'),
        ('mixedkey0001', 'operator too', '{read,admin}', 'h3');
      INSERT INTO command_audit (id, recorded_at, device_id, api_key_id, command, decision, outcome, latency_ms)
        VALUES (gen_random_uuid(), now(), 'cc7b5c0c5d9c', 'readkey00001', '{}', 'allowed', 'ok', 1);
    `,
  );
}

describe('the partners migration', () => {
  let database: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    database = await createEmptyDatabase();
    await databaseBeforePartners(database.url);
    await migrate(database.url, readMigrations());
  });

  afterAll(() => database?.drop());

  const rows = async (text: string) => (await sql(database.url, text)).rows;

  it('gives consents and their history stored before partners to the default partner', async () => {
    expect(await rows('SELECT id, name FROM partner')).toEqual([
      { id: 'default', name: 'Default partner' },
    ]);
    expect(await rows('SELECT device_id, partner_id FROM device_consent')).toEqual([
      { device_id: 'cc7b5c0c5d9c', partner_id: 'default' },
    ]);
    expect(await rows('SELECT partner_id FROM consent_history')).toEqual([
      { partner_id: 'default' },
    ]);
  });

  it('gives non-admin keys to the default partner and leaves admin keys without one', async () => {
    expect(await rows('SELECT id, partner_id FROM api_key ORDER BY id')).toEqual([
      { id: 'adminkey0001', partner_id: null },
      { id: 'mixedkey0001', partner_id: null },
      { id: 'readkey00001', partner_id: 'default' },
    ]);
  });

  it('leaves the partner of earlier command audit rows unknown', async () => {
    expect(await rows('SELECT partner_id FROM command_audit')).toEqual([{ partner_id: null }]);
  });

  it('refuses a consent for a partner that does not exist and a partner key with admin scope', async () => {
    await expect(
      rows(`INSERT INTO device_consent (device_id, owner_user_id, scope, host, partner_id, version)
            VALUES ('aabbccddeeff', 1, 'read', 'shelly-103-eu.shelly.cloud', 'nobody', 1)`),
    ).rejects.toThrow(/foreign key/);
    await expect(
      rows(`INSERT INTO api_key (id, name, scopes, secret_hash, partner_id)
            VALUES ('badkey000001', 'x', '{admin}', 'h', 'default')`),
    ).rejects.toThrow(/api_key_partner_check/);
  });
});
