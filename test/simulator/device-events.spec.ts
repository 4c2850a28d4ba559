import { deviceModels } from '../../src/simulator/device-models';
import { SimulatedDevice } from '../../src/simulator/simulated-device';
import { ShellySimulator } from '../../src/simulator/simulator.server';
import { SocketClient } from './socket-client';

const HOST_A = 'shelly-103-eu.shelly.cloud';
const HOST_B = 'shelly-77-eu.shelly.cloud';

describe('device events on the integrator socket', () => {
  let simulator: ShellySimulator;
  let onA: SocketClient;
  let onB: SocketClient;

  beforeEach(async () => {
    simulator = await ShellySimulator.start({
      integrators: [{ tag: 'ITG_ACME', token: 'secret' }],
      hosts: [HOST_A, HOST_B],
      seed: 11,
    });
    const token = await simulator.issueToken();
    onA = await SocketClient.connect(simulator.wsUrl(HOST_A, token));
    onB = await SocketClient.connect(simulator.wsUrl(HOST_B, token));
  });
  afterEach(async () => {
    onA.close();
    onB.close();
    await simulator.stop();
  });

  const onHost = (host: string) => simulator.devices.filter((device) => device.host === host);
  const idOf = (device: SimulatedDevice) => device.identity.deviceId;

  it('sends nothing for a device without consent', async () => {
    const [silent, consented] = onHost(HOST_A);
    await simulator.grantConsent(consented, { userId: 1 });

    const sentForSilent = simulator.emitStatus(silent);
    simulator.emitStatus(consented);
    await onA.next((frame) => frame.deviceId === idOf(consented));

    expect(sentForSilent).toBe(0);
    expect(onA.frames.filter((frame) => frame.deviceId === idOf(silent))).toEqual([]);
  });

  it('stops sending once consent is revoked', async () => {
    const [device, marker] = onHost(HOST_A);
    await simulator.grantConsent(device, { userId: 1 });
    await simulator.grantConsent(marker, { userId: 1 });
    await simulator.revokeConsent(device);

    simulator.emitStatus(device);
    simulator.emitStatus(marker);
    await onA.next((frame) => frame.deviceId === idOf(marker));

    expect(onA.statusesOf(idOf(device))).toEqual([]);
  });

  it("sends a device's events only on the socket of the host it lives on", async () => {
    const [device] = onHost(HOST_B);
    const [marker] = onHost(HOST_A);
    await simulator.grantConsent(device, { userId: 1 });
    await simulator.grantConsent(marker, { userId: 1 });

    simulator.emitStatus(device);
    simulator.emitStatus(marker);
    await onB.next((frame) => frame.deviceId === idOf(device));
    await onA.next((frame) => frame.deviceId === idOf(marker));

    expect(onA.statusesOf(idOf(device))).toEqual([]);
  });

  it('follows a device to its new host after a move', async () => {
    const [device] = onHost(HOST_A);
    await simulator.grantConsent(device, { userId: 1 });
    simulator.moveDevice(device, HOST_B);

    simulator.emitStatus(device);

    await onB.next((frame) => frame.deviceId === idOf(device));
  });

  it.each(deviceModels.map((model) => [model.code, model.gen]))(
    'relays a full %s (%s) status under its decimal id with the cloud keys',
    async (code, gen) => {
      const device = simulator.devices.find((candidate) => candidate.model.code === code)!;
      const client = device.host === HOST_A ? onA : onB;
      await simulator.grantConsent(device, { userId: 1 });

      simulator.emitStatus(device, { partial: false });
      const frame = await client.next((candidate) => candidate.deviceId === idOf(device));

      expect(frame.event).toBe('Shelly:StatusOnChange');
      expect(frame.deviceId).toBe(BigInt(`0x${device.identity.id}`).toString());
      expect(frame.status._updated).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      if (gen === 'G1') {
        expect(frame.status.getinfo.fw_info.device).toBe(device.identity.hostname);
        expect(frame.status).toHaveProperty('serial');
        expect(frame.status.mac).toBe(device.identity.mac);
      } else {
        expect(frame.status).toMatchObject({ id: device.identity.id, code });
        expect(frame.status.sys.mac).toBe(device.identity.mac);
        expect(typeof frame.status.serial).toBe('number');
      }
    },
  );

  it('sends only the changed components in a partial update', async () => {
    const device = simulator.devices.find((candidate) => candidate.model.code === 'SNSW-001P16EU')!;
    const client = device.host === HOST_A ? onA : onB;
    await simulator.grantConsent(device, { userId: 1 });

    simulator.emitStatus(device, { partial: true });
    const frame = await client.next((candidate) => candidate.deviceId === idOf(device));

    expect(Object.keys(frame.status).sort()).toEqual(['_updated', 'switch:0', 'sys', 'wifi']);
  });

  it('sends partial updates by default when configured so', async () => {
    await simulator.stop();
    simulator = await ShellySimulator.start({
      integrators: [{ tag: 'ITG_ACME', token: 'secret' }],
      hosts: [HOST_A],
      fleet: { devices: [{ model: 'SHHT-1' }] },
      statusUpdates: 'partial',
    });
    const client = await SocketClient.connect(
      simulator.wsUrl(HOST_A, await simulator.issueToken()),
    );
    const [device] = simulator.devices;
    await simulator.grantConsent(device, { userId: 1 });

    simulator.emitStatus(device);
    const frame = await client.next((candidate) => candidate.deviceId === idOf(device));
    client.close();

    expect(frame.status).toHaveProperty('tmp');
    expect(frame.status).not.toHaveProperty('getinfo');
    expect(frame.status).not.toHaveProperty('cloud');
  });

  it('reports going offline as online 0, stays silent, and reports 1 plus a full status on return', async () => {
    const [device] = onHost(HOST_A);
    await simulator.grantConsent(device, { userId: 1 });

    simulator.setOnline(device, false);
    const silent = simulator.emitStatus(device);
    simulator.setOnline(device, true);
    await onA.next((frame) => frame.event === 'Shelly:StatusOnChange');

    const events = onA.frames.map((frame): unknown[] => [frame.event, frame.online]);
    expect(silent).toBe(0);
    expect(events).toEqual([
      ['Shelly:Online', 0],
      ['Shelly:Online', 1],
      ['Shelly:StatusOnChange', undefined],
    ]);
  });

  it('sends a settings change as Shelly:Settings', async () => {
    const gen1 = onHost(HOST_A).find((device) => device.model.gen === 'G1')!;
    await simulator.grantConsent(gen1, { userId: 1 });

    simulator.emitSettings(gen1, { name: 'Boiler' });
    const frame = await onA.next((candidate) => candidate.event === 'Shelly:Settings');

    expect(frame).toMatchObject({ deviceId: idOf(gen1), settings: { name: 'Boiler' } });
  });

  it('uses the names of the consent as channel names in the settings', async () => {
    const device = simulator.devices.find((candidate) => candidate.model.code === 'SNSW-001P16EU')!;
    const client = device.host === HOST_A ? onA : onB;
    await simulator.grantConsent(device, { userId: 1, names: ['Boiler'] });

    simulator.emitSettings(device);
    const frame = await client.next((candidate) => candidate.event === 'Shelly:Settings');

    expect(frame.settings['switch:0']).toEqual({ id: 0, name: 'Boiler' });
  });
});
