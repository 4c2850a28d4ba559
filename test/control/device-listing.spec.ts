import { ControlRig, startControlRig } from '../support/control';
import { eventually } from '../support/eventually';
import { openApiProblems } from '../support/openapi-contract';

interface Listed {
  id: string;
  scope: string;
  online: boolean | null;
  measurements: { component: string; channel: number; metric: string; value: unknown }[];
}

/** GET /v1/devices and /v1/devices/{id}: consent, scope, host, names, online state, last measurements. */
describe('listing consented devices', () => {
  let rig: ControlRig;

  beforeAll(async () => {
    rig = await startControlRig({
      models: ['SNSW-001P16EU', 'SHSW-1', 'SHSW-25', 'SHHT-1', 'SPEM-003CEBEU'],
      // Status changes arrive as partial deltas, as on the real cloud's relay.
      simulator: { statusUpdates: 'partial' },
    });
  });

  afterAll(() => rig?.stop());

  it('lists every device with its consent, in pages', async () => {
    const readOnly = rig.device('SHSW-1');
    await rig.grant(readOnly, '00');
    const plug = rig.device('SNSW-001P16EU');
    // The resync after the grant asks the cloud for the device's state.
    await eventually(async () => {
      expect((await rig.get(`/v1/devices/${plug.identity.id}`)).body.online).toBe(true);
    }, 5_000);

    const first = await rig.get('/v1/devices?limit=2');
    expect(first.status).toBe(200);
    expect(openApiProblems('DeviceList', first.body)).toEqual([]);
    const pages = [first.body];
    while (pages.at(-1)!.next) {
      pages.push((await rig.get(`/v1/devices?limit=2&after=${String(pages.at(-1)!.next)}`)).body);
    }
    const listed = pages.flatMap((page) => page.devices as Listed[]);
    const ids = rig.sim.devices.map((d) => d.identity.id).sort();
    expect(listed.map((d) => d.id)).toEqual(ids);
    expect(pages).toHaveLength(3);

    expect(listed.find((d) => d.id === plug.identity.id)).toEqual({
      id: plug.identity.id,
      ownerUserId: 48213,
      partnerId: 'default',
      type: 'SNSW-001P16EU',
      code: 'SNSW-001P16EU',
      scope: 'control',
      host: plug.host,
      names: expect.any(Array),
      account: null,
      grantedAt: expect.any(String),
      updatedAt: expect.any(String),
      online: true,
      lastSeenAt: expect.any(String),
      measurements: expect.arrayContaining([expect.objectContaining({ component: 'switch' })]),
    });

    const readOnlyPage = await rig.get('/v1/devices?scope=read');
    expect((readOnlyPage.body.devices as Listed[]).map((d) => d.id)).toEqual([
      readOnly.identity.id,
    ]);
    const elsewhere = await rig.get('/v1/devices?host=shelly-1-eu.shelly.cloud');
    expect(elsewhere.body).toEqual({ devices: [], next: null });
  });

  it('shows the last measurements, and a partial status leaves unmentioned components as they were', async () => {
    const plug = rig.device('SNSW-001P16EU');
    rig.sim.emitStatus(plug, { partial: false });
    let full: Listed | undefined;
    await eventually(async () => {
      full = (await rig.get(`/v1/devices/${plug.identity.id}`)).body as unknown as Listed;
      expect(full.online).toBe(true);
      expect(full.measurements.some((m) => m.component === 'input')).toBe(true);
    }, 5_000);
    const output = (device: Listed) =>
      device.measurements.find((m) => m.component === 'switch' && m.metric === 'output')?.value;
    const before = output(full!);

    // The command's status change comes as a delta carrying only switch:0.
    expect(
      (await rig.command(plug.identity.id, { type: 'relay', channel: 0, action: 'toggle' })).status,
    ).toBe(200);

    await eventually(async () => {
      const after = (await rig.get(`/v1/devices/${plug.identity.id}`)).body as unknown as Listed;
      expect(openApiProblems('Device', after)).toEqual([]);
      expect(output(after)).toBe(!before);
      const keys = (device: Listed) =>
        device.measurements.map((m) => `${m.component}:${m.channel}:${m.metric}`).sort();
      expect(keys(after)).toEqual(expect.arrayContaining(keys(full!)));
      expect(after.measurements.find((m) => m.component === 'input')).toEqual(
        full!.measurements.find((m) => m.component === 'input'),
      );
    }, 5_000);
  });

  it('answers 404 for a device without consent and 401 without a key', async () => {
    const unknown = await rig.get('/v1/devices/a1b2c3d4e5f6');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('device_not_found');
    expect((await rig.get('/v1/devices', null)).status).toBe(401);
    expect((await rig.get('/v1/devices?limit=0')).body.code).toBe('invalid_body');
    const plug = rig.device('SNSW-001P16EU');
    expect((await rig.get(`/v1/devices/${plug.identity.deviceId}`)).body.id).toBe(plug.identity.id);
  });

  it('forgets the state of a revoked device: shared again while offline, it has no readings', async () => {
    const meter = rig.device('SPEM-003CEBEU');
    rig.sim.emitStatus(meter, { partial: false });
    await eventually(async () => {
      const listed = (await rig.get(`/v1/devices/${meter.identity.id}`)).body as unknown as Listed;
      expect(listed.measurements.length).toBeGreaterThan(0);
    }, 5_000);

    expect(await rig.sim.revokeConsent(meter)).toMatchObject({ applied: true });
    rig.sim.setOnline(meter, false);
    await rig.grant(meter, '01');

    // The resync after the grant learns that the device is offline, with no status.
    await eventually(async () => {
      const again = (await rig.get(`/v1/devices/${meter.identity.id}`)).body as unknown as Listed;
      expect(again).toMatchObject({ online: false, measurements: [] });
    }, 5_000);
  });
});
