import { ApiKeyStore } from '../../src/partners/api-key.store';
import { ControlRig, startControlRig } from '../support/control';
import { eventually } from '../support/eventually';
import { openApiProblems } from '../support/openapi-contract';

const toggle = { type: 'relay', channel: 0, action: 'toggle' };

/** Each check before a command leaves, answered with its own status and code, and nothing sent. */
describe('the command gate', () => {
  let rig: ControlRig;
  const commandsTo = (deviceId: string) =>
    rig.sim.commands.filter((c) => c.deviceId === deviceId).length;

  beforeAll(async () => {
    rig = await startControlRig();
  });

  afterAll(() => rig?.stop());

  async function expectRefused(
    answer: Promise<Awaited<ReturnType<ControlRig['command']>>>,
    status: number,
    code: string,
  ): Promise<void> {
    const { status: got, body } = await answer;
    expect({ status: got, code: body.code }).toEqual({ status, code });
    expect(openApiProblems('Error', body)).toEqual([]);
  }

  describe('without a valid API key', () => {
    it('answers 401 api_key_missing when no key is given', async () => {
      const relay = rig.device('SHSW-1');
      await expectRefused(rig.command(relay.identity.id, toggle, null), 401, 'api_key_missing');
    });

    it('answers 401 api_key_invalid for an unknown or revoked key', async () => {
      const relay = rig.device('SHSW-1');
      await expectRefused(
        rig.command(relay.identity.id, toggle, 'sik_AAAAAAAAAAAA_' + 'x'.repeat(43)),
        401,
        'api_key_invalid',
      );
      const keys = rig.service.app.get(ApiKeyStore);
      const revoked = await keys.create('revoked', ['control'], { partnerId: 'default' });
      await keys.revoke(revoked.id);
      await expectRefused(
        rig.command(relay.identity.id, toggle, revoked.key),
        401,
        'api_key_invalid',
      );
      expect(commandsTo(relay.identity.deviceId)).toBe(0);
    });
  });

  it('answers 403 api_key_scope_missing to a key without the control scope', async () => {
    const relay = rig.device('SHSW-1');
    await expectRefused(
      rig.command(relay.identity.id, toggle, rig.keys.read),
      403,
      'api_key_scope_missing',
    );
    expect(commandsTo(relay.identity.deviceId)).toBe(0);
  });

  it('answers 400 for a body that is not a valid command', async () => {
    const relay = rig.device('SHSW-1');
    const invalid = await rig.command(relay.identity.id, {
      type: 'relay',
      channel: 0,
      action: 'up',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      code: 'invalid_body',
      message: expect.stringMatching(/^action:/),
    });

    const response = await fetch(`${rig.service.url}/v1/devices/${relay.identity.id}/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rig.keys.control}`, 'content-type': 'application/json' },
      body: '{"type":',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'invalid_json' });
    expect(commandsTo(relay.identity.deviceId)).toBe(0);
  });

  it('answers 405 with Allow to a method the path does not take', async () => {
    const relay = rig.device('SHSW-1');
    const response = await fetch(`${rig.service.url}/v1/devices/${relay.identity.id}/commands`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${rig.keys.control}` },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(await response.json()).toMatchObject({ code: 'method_not_allowed' });
  });

  it('answers 404 device_not_found for a device without consent, or not a device id', async () => {
    await expectRefused(rig.command('a1b2c3d4e5f6', toggle), 404, 'device_not_found');
    await expectRefused(rig.command('not-a-device', toggle), 404, 'device_not_found');
  });

  describe('a device shared read-only', () => {
    it('answers 403 consent_read_only, and the device never receives a CommandRequest', async () => {
      const relay = rig.device('SHSW-1', 1);
      await rig.grant(relay, '00');

      for (const body of [
        toggle,
        { type: 'relay', channel: 0, action: 'on' },
        { type: 'light', channel: 0, action: 'on' },
      ]) {
        await expectRefused(rig.command(relay.identity.id, body), 403, 'consent_read_only');
      }
      // An admin key does not override the owner's choice either.
      await expectRefused(
        rig.command(relay.identity.id, toggle, rig.keys.admin),
        403,
        'consent_read_only',
      );

      expect(rig.sim.commands.filter((c) => c.deviceId === relay.identity.deviceId)).toEqual([]);
      // The device itself still works: the same command to a device shared for control goes out.
      expect((await rig.command(rig.device('SHSW-1').identity.id, toggle)).status).toBe(200);

      // And it takes commands again once the owner grants control.
      await rig.grant(relay, '01');
      expect((await rig.command(relay.identity.id, toggle)).status).toBe(200);
    });
  });

  describe('a device that is offline', () => {
    it('answers 409 device_offline without sending, and commands go out again once it is back', async () => {
      const dimmer = rig.device('SHDM-2');
      rig.sim.setOnline(dimmer, false);
      await eventually(async () => {
        expect((await rig.get(`/v1/devices/${dimmer.identity.id}`)).body.online).toBe(false);
      }, 5_000);
      const sentBefore = commandsTo(dimmer.identity.deviceId);

      await expectRefused(
        rig.command(dimmer.identity.id, { type: 'light', channel: 0, action: 'on' }),
        409,
        'device_offline',
      );
      expect(commandsTo(dimmer.identity.deviceId)).toBe(sentBefore);

      rig.sim.setOnline(dimmer, true);
      await eventually(async () => {
        expect((await rig.get(`/v1/devices/${dimmer.identity.id}`)).body.online).toBe(true);
      }, 5_000);
      const answer = await rig.command(dimmer.identity.id, {
        type: 'light',
        channel: 0,
        action: 'on',
      });
      expect(answer.status).toBe(200);
    });
  });
});
