import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ConsentLinkSigner } from '../../src/partners/consent-link';
import { createMigratedDatabase } from '../support/services';

const cli = resolve(__dirname, '../../dist/cli/main.js');
const pepper = 'cli-test-pepper-0123456789abcdef0123';

/** Partners and their keys from the command line, on a real database. */
describe('partner and api-key commands', () => {
  let database: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    database = await createMigratedDatabase();
  });

  afterAll(() => database?.drop());

  function run(...args: string[]) {
    const result = spawnSync(process.execPath, [cli, ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        API_KEY_PEPPER: pepper,
        SHELLY_INTEGRATOR_TAG: 'ITG_CLI',
        CONSENT_CALLBACK_BASE_URL: 'https://ingest.example.com/',
      },
    });
    return {
      status: result.status,
      stderr: result.stderr,
      json: () => JSON.parse(result.stdout) as Record<string, unknown>,
    };
  }

  it('creates a partner, a key of it, and prints its signed consent link', () => {
    const partner = run('partner', 'create', '--id', 'acme', '--name', 'Acme Energy');
    expect(partner.status).toBe(0);
    expect(partner.json()).toMatchObject({ id: 'acme', name: 'Acme Energy', createdBy: null });

    const key = run(
      'api-key',
      'create',
      '--name',
      'backend',
      '--scopes',
      'read,control',
      '--partner',
      'acme',
    );
    expect(key.status).toBe(0);
    expect(key.json()).toMatchObject({ partnerId: 'acme', scopes: ['read', 'control'] });

    const link = run('partner', 'consent-link', 'acme');
    expect(link.status).toBe(0);
    const signature = new ConsentLinkSigner(pepper).sign('acme');
    const callbackUrl = `https://ingest.example.com/v1/shelly/consent/partners/acme/${signature}`;
    expect(link.json()).toEqual({
      url: `https://my.shelly.cloud/integrator.html?itg=ITG_CLI&cb=${encodeURIComponent(callbackUrl)}`,
      callbackUrl,
    });
  });

  it('refuses a key without partner, a partner id that cannot name topics, and an unknown partner', () => {
    const withoutPartner = run('api-key', 'create', '--name', 'n', '--scopes', 'read');
    expect(withoutPartner.status).toBe(1);
    expect(withoutPartner.stderr).toContain('partnerId: required for keys without the admin scope');

    const badId = run('partner', 'create', '--id', 'Acme_Energy', '--name', 'x');
    expect(badId.status).not.toBe(0);
    expect(badId.stderr).toContain('lowercase letters, digits and inner hyphens');

    const unknown = run('partner', 'consent-link', 'nobody');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no partner nobody');
  });
});
