import { ApiKeyStore } from '../../src/partners/api-key.store';
import { PartnerStore } from '../../src/partners/partner.store';
import { SimulatedDevice } from '../../src/simulator/simulated-device';
import { ControlRig, startControlRig } from '../support/control';
import { eventually } from '../support/eventually';

const on = { type: 'relay', channel: 0, action: 'on' };

/** Two partners with a device each: each partner's keys see and control their own device only. */
describe('isolation between partners', () => {
  let rig: ControlRig;
  let acmeDevice: SimulatedDevice;
  let brightDevice: SimulatedDevice;
  const keys = { acme: '', bright: '' };

  beforeAll(async () => {
    rig = await startControlRig({ models: ['SHSW-1', 'SHSW-1', 'SHSW-1'] });
    const partners = rig.service.app.get(PartnerStore);
    await partners.create('acme', 'Acme Energy');
    await partners.create('bright', 'BrightBuild');
    [, acmeDevice, brightDevice] = rig.sim.devices;
    await rig.grant(acmeDevice, '01', 'acme');
    await rig.grant(brightDevice, '01', 'bright');
    const store = rig.service.app.get(ApiKeyStore);
    for (const partner of ['acme', 'bright'] as const) {
      keys[partner] = (
        await store.create(`${partner} backend`, ['read', 'control'], { partnerId: partner })
      ).key;
    }
  });

  afterAll(() => rig?.stop());

  const idOf = (device: SimulatedDevice) => device.identity.id;
  const commandsTo = (device: SimulatedDevice) =>
    rig.sim.commands.filter((c) => c.deviceId === device.identity.deviceId).length;

  it('lists only the devices shared through the key’s own partner', async () => {
    const acme = await rig.get('/v1/devices', keys.acme);
    expect((acme.body.devices as { id: string }[]).map((d) => d.id)).toEqual([idOf(acmeDevice)]);
    const bright = await rig.get('/v1/devices', keys.bright);
    expect((bright.body.devices as { id: string }[]).map((d) => d.id)).toEqual([
      idOf(brightDevice),
    ]);
    const admin = await rig.get('/v1/devices', rig.keys.admin);
    expect(admin.body.devices).toHaveLength(3);
  });

  it('answers 404 for another partner’s device on every device route, exactly as for a device never shared', async () => {
    const never = 'aabbccddeeff';
    const routes = (id: string) => [
      rig.get(`/v1/devices/${id}`, keys.acme),
      rig.get(`/v1/devices/${id}/commands`, keys.acme),
      rig.command(id, on, keys.acme),
      rig.get(`/v1/consents/${id}`, keys.acme),
      rig.get(`/v1/devices/${id}/settings`, keys.acme),
      rig.call('DELETE', `/v1/devices/${id}/consent`, keys.acme),
    ];
    const others = await Promise.all(routes(idOf(brightDevice)));
    const unknown = await Promise.all(routes(never));

    expect(others.map((a) => a.status)).toEqual([404, 404, 404, 404, 404, 404]);
    const shape = (answers: typeof others, id: string) =>
      answers.map((a) => ({
        code: a.body.code,
        message: (a.body.message as string).replace(id, '<id>'),
      }));
    expect(shape(others, idOf(brightDevice))).toEqual(shape(unknown, never));
    expect(commandsTo(brightDevice)).toBe(0);
    expect(rig.sim.consents().map((c) => c.deviceId)).toContain(brightDevice.identity.deviceId);
  });

  it('leaves another partner’s device out of the consent list, even when asked for by partner', async () => {
    const own = await rig.get('/v1/consents', keys.acme);
    expect((own.body.consents as { deviceId: string }[]).map((c) => c.deviceId)).toEqual([
      idOf(acmeDevice),
    ]);
    const asked = await rig.get('/v1/consents?partner=bright', keys.acme);
    expect(asked.body).toEqual({ consents: [] });
    const admin = await rig.get('/v1/consents?partner=bright', rig.keys.admin);
    expect((admin.body.consents as { deviceId: string }[]).map((c) => c.deviceId)).toEqual([
      idOf(brightDevice),
    ]);
  });

  it('sends a partner’s command to its own device and shows it in its audit only', async () => {
    expect((await rig.command(idOf(acmeDevice), on, keys.acme)).status).toBe(200);
    expect(commandsTo(acmeDevice)).toBe(1);

    await eventually(async () => {
      const answer = await rig.get(`/v1/devices/${idOf(acmeDevice)}/commands`, keys.acme);
      expect(answer.body.commands).toEqual([
        expect.objectContaining({ partner: 'acme', outcome: 'ok', command: on }),
      ]);
    }, 5_000);
    const brightAudit = await rig.get(`/v1/devices/${idOf(brightDevice)}/commands`, keys.bright);
    expect(brightAudit.body).toEqual({ commands: [], next: null });
  });

  it('refuses another partner’s consent link with 404 and makes the own one', async () => {
    const other = await rig.call('POST', '/v1/partners/bright/consent-links', keys.acme);
    expect(other).toMatchObject({ status: 404, body: { code: 'partner_not_found' } });
    const own = await rig.call('POST', '/v1/partners/acme/consent-links', keys.acme);
    expect(own.status).toBe(201);
    expect(own.body.callbackUrl).toMatch(/\/v1\/shelly\/consent\/partners\/acme\/[\w-]{22}$/);
  });

  it('keeps partner administration to admin keys', async () => {
    const answers = await Promise.all([
      rig.call('GET', '/v1/partners', keys.acme),
      rig.call('GET', '/v1/partners/acme', keys.acme),
      rig.call('POST', '/v1/partners', keys.acme, { id: 'mine', name: 'Mine' }),
      rig.call('GET', '/v1/api-keys?partner=acme', keys.acme),
    ]);
    expect(answers.map((a) => [a.status, a.body.code])).toEqual([
      [403, 'api_key_scope_missing'],
      [403, 'api_key_scope_missing'],
      [403, 'api_key_scope_missing'],
      [403, 'api_key_scope_missing'],
    ]);
  });
});
