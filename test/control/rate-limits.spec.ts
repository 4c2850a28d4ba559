import { ApiKeyStore } from '../../src/partners/api-key.store';
import { ControlRig, startControlRig } from '../support/control';
import { openApiProblems } from '../support/openapi-contract';

const on = { type: 'relay', channel: 0, action: 'on' };

describe('command rate limits', () => {
  let rig: ControlRig;
  const newControlKey = async () =>
    (
      await rig.service.app
        .get(ApiKeyStore)
        .create('rate test', ['control'], { partnerId: 'default' })
    ).key;

  beforeAll(async () => {
    rig = await startControlRig({
      models: ['SHSW-1', 'SHSW-1', 'SHSW-1', 'SHSW-1', 'SNSW-001P16EU'],
      env: {
        CONTROL_RATE_PER_KEY: '1',
        CONTROL_BURST_PER_KEY: '3',
        CONTROL_RATE_PER_DEVICE: '0.2',
        CONTROL_BURST_PER_DEVICE: '2',
      },
    });
  });

  afterAll(() => rig?.stop());

  it('answers 429 with Retry-After once a key has used its burst; other keys go on', async () => {
    const key = await newControlKey();
    const relays = rig.sim.devices.filter((d) => d.model.code === 'SHSW-1');
    for (const relay of relays.slice(0, 3)) {
      expect((await rig.command(relay.identity.id, on, key)).status).toBe(200);
    }
    const sent = rig.sim.commands.length;

    const limited = await rig.command(relays[3].identity.id, on, key);

    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'rate_limited' });
    expect(openApiProblems('Error', limited.body)).toEqual([]);
    expect(Number(limited.headers.get('retry-after'))).toBe(1);
    expect(rig.sim.commands.length).toBe(sent);
    expect((await rig.command(relays[3].identity.id, on, await newControlKey())).status).toBe(200);
  });

  it('answers 429 once a device had its burst, whichever key asks', async () => {
    const plug = rig.device('SNSW-001P16EU');
    expect((await rig.command(plug.identity.id, on, await newControlKey())).status).toBe(200);
    expect((await rig.command(plug.identity.id, on, await newControlKey())).status).toBe(200);

    const limited = await rig.command(plug.identity.id, on, await newControlKey());

    expect(limited.status).toBe(429);
    expect(limited.body.message).toContain(plug.identity.id);
    // 0.2 commands per second: the next token is 5 s away.
    expect(Number(limited.headers.get('retry-after'))).toBe(5);
  });
});
