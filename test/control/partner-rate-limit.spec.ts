import { ApiKeyStore } from '../../src/partners/api-key.store';
import { PartnerStore } from '../../src/partners/partner.store';
import { ControlRig, startControlRig } from '../support/control';

const on = { type: 'relay', channel: 0, action: 'on' };

/** All keys of one partner share one command budget; other partners and admin keys have their own. */
describe('the command rate limit of a partner', () => {
  let rig: ControlRig;

  beforeAll(async () => {
    rig = await startControlRig({
      models: ['SHSW-1', 'SHSW-1'],
      env: { CONTROL_RATE_PER_PARTNER: '0.1', CONTROL_BURST_PER_PARTNER: '3' },
    });
    const partners = rig.service.app.get(PartnerStore);
    await partners.create('acme', 'Acme Energy');
    await partners.create('bright', 'BrightBuild');
    const [acmeDevice, brightDevice] = rig.sim.devices;
    await rig.grant(acmeDevice, '01', 'acme');
    await rig.grant(brightDevice, '01', 'bright');
  });

  afterAll(() => rig?.stop());

  const keyOf = async (partnerId: string) =>
    (await rig.service.app.get(ApiKeyStore).create('k', ['control'], { partnerId })).key;

  it('answers 429 once the partner’s keys together used its burst; other partners and admin keys go on', async () => {
    const [acmeDevice, brightDevice] = rig.sim.devices;
    const [first, second] = [await keyOf('acme'), await keyOf('acme')];
    for (const key of [first, first, second]) {
      expect((await rig.command(acmeDevice.identity.id, on, key)).status).toBe(200);
    }
    const sent = rig.sim.commands.length;

    const limited = await rig.command(acmeDevice.identity.id, on, second);

    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'rate_limited' });
    expect(limited.body.message).toContain('partner acme');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(1);
    expect(rig.sim.commands.length).toBe(sent);
    expect((await rig.command(brightDevice.identity.id, on, await keyOf('bright'))).status).toBe(
      200,
    );
    expect((await rig.command(acmeDevice.identity.id, on, rig.keys.admin)).status).toBe(200);
  });
});
