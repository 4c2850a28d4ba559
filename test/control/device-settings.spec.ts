import { ControlRig, startControlRig } from '../support/control';
import { eventually } from '../support/eventually';

describe("a device's settings, asked of Shelly's cloud", () => {
  let rig: ControlRig;

  beforeAll(async () => {
    rig = await startControlRig({ models: ['SNSW-001P16EU', 'SHSW-1'] });
  });

  afterAll(() => rig?.stop());

  const settingsRequests = () =>
    rig.sim.actions.filter(
      (a) => (a.request as { action?: string }).action === 'DeviceGetSettings',
    );

  it('answers the settings of an online device to a read key, through DeviceGetSettings', async () => {
    const device = rig.device('SNSW-001P16EU');
    const before = settingsRequests().length;

    const answer = await rig.get(`/v1/devices/${device.identity.id}/settings`, rig.keys.read);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      device: device.identity.id,
      code: 'SNSW-001P16EU',
    });
    expect(Object.keys(answer.body.settings as object).length).toBeGreaterThan(0);
    expect(
      settingsRequests()
        .slice(before)
        .map((a) => a.result),
    ).toEqual(['OK']);
  });

  it('answers 409 device_offline when the cloud has no settings for an offline device', async () => {
    const device = rig.device('SHSW-1');
    rig.sim.setOnline(device, false);

    await eventually(async () => {
      const answer = await rig.get(`/v1/devices/${device.identity.id}/settings`);
      expect(answer.status).toBe(409);
      expect(answer.body.code).toBe('device_offline');
    }, 5_000);
  });

  it('answers 404 for a device without consent, asking nothing of the cloud', async () => {
    const before = settingsRequests().length;
    const answer = await rig.get('/v1/devices/aabbccddeeff/settings');
    expect(answer.status).toBe(404);
    expect(settingsRequests().length).toBe(before);
  });
});
