import { ApiKeyStore } from '../../src/partners/api-key.store';
import { PartnerStore } from '../../src/partners/partner.store';
import { SimulatedDevice } from '../../src/simulator/simulated-device';
import { startService } from '../support/app';
import { ControlRig, startControlRig } from '../support/control';
import { eventually } from '../support/eventually';
import { readTopic } from '../support/kafka-reader';
import { requireServices } from '../support/services';
import { sql } from '../support/sql';

const { kafkaBrokers } = requireServices();
const on = { type: 'relay', channel: 0, action: 'on' };

/** Consent through partners' signed consent links, as Shelly calls them back. */
describe('partner consent links', () => {
  let rig: ControlRig;
  let acmeLink: string;

  beforeAll(async () => {
    rig = await startControlRig({ models: ['SHSW-1', 'SHSW-1', 'SHSW-1', 'SHSW-1'] });
    await rig.service.app.get(PartnerStore).create('acme', 'Acme Energy');
    await rig.service.app.get(PartnerStore).create('bright', 'BrightBuild');
    const link = await rig.call('POST', '/v1/partners/acme/consent-links', rig.keys.admin);
    acmeLink = link.body.url as string;
  });

  afterAll(() => rig?.stop());

  const consentOf = (device: SimulatedDevice) =>
    rig.service.app.get(ApiKeyStore) &&
    rig.get(`/v1/consents/${device.identity.id}`, rig.keys.admin);

  async function historyRows(device: SimulatedDevice): Promise<number> {
    const { rows } = await sql<{ count: string }>(
      rig.service.databaseUrl,
      'SELECT count(*) FROM consent_history WHERE device_id = $1',
      [device.identity.id],
    );
    return Number(rows[0].count);
  }

  /** The link with its callback URL changed by `tamper`. */
  function tampered(tamper: (callbackUrl: string) => string): string {
    const url = new URL(acmeLink);
    url.searchParams.set('cb', tamper(url.searchParams.get('cb')!));
    return url.toString();
  }

  it('hands out Shelly’s consent page with the integrator tag and a signed callback naming the partner', () => {
    const url = new URL(acmeLink);
    expect(`${url.origin}${url.pathname}`).toBe('https://my.shelly.cloud/integrator.html');
    expect(url.searchParams.get('itg')).toBe('ITG_TEST');
    expect(url.searchParams.get('cb')).toMatch(
      new RegExp(`^${rig.service.url}/v1/shelly/consent/partners/acme/[\\w-]{22}$`),
    );
  });

  it.each([
    ['an altered signature', (cb: string) => cb.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))],
    ['the signature of one partner on another', (cb: string) => cb.replace('/acme/', '/bright/')],
    ['no signature', (cb: string) => cb.replace(/\/[\w-]{22}$/, '/')],
  ])('refuses a callback through a link with %s and changes nothing', async (_case, tamper) => {
    const device = rig.sim.devices[3];
    const before = await historyRows(device);

    const result = await rig.sim.grantConsent(device, { userId: 7, link: tampered(tamper) });

    expect(result.applied).toBe(false);
    expect(result.status).toBe(_case === 'no signature' ? 404 : 403);
    if (result.status === 403) {
      expect(JSON.parse(result.body!)).toMatchObject({ code: 'consent_link_invalid' });
    }
    expect(await historyRows(device)).toBe(before);
    expect((await consentOf(device)).body.consent).toMatchObject({ partnerId: 'default' });
  });

  it('moves a device shared again through another partner’s link: revoked for the one, granted to the other', async () => {
    const device = rig.sim.devices[1];
    expect((await rig.command(device.identity.id, on)).status).toBe(200);

    await rig.grant(device, '01', 'acme');

    const detail = await rig.get(`/v1/consents/${device.identity.id}`, rig.keys.admin);
    expect(detail.body.consent).toMatchObject({ partnerId: 'acme', scope: 'control' });
    expect(
      (detail.body.history as { change: string; partnerId: string }[]).map((h) => [
        h.change,
        h.partnerId,
      ]),
    ).toEqual([
      ['granted', 'default'],
      ['revoked', 'default'],
      ['granted', 'acme'],
    ]);
    const events = await readTopic(kafkaBrokers, rig.topics.consent, (messages) =>
      messages.some(
        (m) =>
          m.key === device.identity.id &&
          m.headers.ce_type === 'consent.granted.v1' &&
          (m.value as { partner: string }).partner === 'acme',
      ),
    );
    expect(
      events
        .filter((m) => m.key === device.identity.id)
        .map((m) => [(m.value as { type: string }).type, (m.value as { partner: string }).partner]),
    ).toEqual([
      ['consent.granted.v1', 'default'],
      ['consent.revoked.v1', 'default'],
      ['consent.granted.v1', 'acme'],
    ]);

    const acmeKey = (
      await rig.service.app.get(ApiKeyStore).create('acme', ['read'], { partnerId: 'acme' })
    ).key;
    const acmeAudit = await rig.get(`/v1/devices/${device.identity.id}/commands`, acmeKey);
    expect(acmeAudit.body).toEqual({ commands: [], next: null });
    await eventually(async () => {
      const all = await rig.get(`/v1/devices/${device.identity.id}/commands`, rig.keys.admin);
      expect(all.body.commands).toHaveLength(1);
    }, 5_000);
    expect((await rig.get(`/v1/devices/${device.identity.id}`)).status).toBe(404);
  });

  it('revokes through the partner’s link', async () => {
    const device = rig.sim.devices[2];
    await rig.grant(device, '01', 'acme');

    const result = await rig.sim.revokeConsent(device);

    expect(result).toMatchObject({ applied: true, status: 200 });
    expect((await consentOf(device)).body.consent).toBeNull();
  });

  it('answers 503 consent_links_unconfigured while the public URL of the service is unknown', async () => {
    const service = await startService({ CONSENT_CALLBACK_BASE_URL: '' });
    try {
      const admin = await service.app.get(ApiKeyStore).create('ops', ['admin']);
      const response = await fetch(`${service.url}/v1/partners/default/consent-links`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.key}` },
      });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        code: 'consent_links_unconfigured',
        message: expect.stringContaining('CONSENT_CALLBACK_BASE_URL') as string,
      });
    } finally {
      await service.stop();
    }
  });
});
