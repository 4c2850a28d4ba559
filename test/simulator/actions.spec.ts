import { SimulatedDevice } from '../../src/simulator/simulated-device';
import { ShellySimulator } from '../../src/simulator/simulator.server';
import { SocketClient } from './socket-client';

const HOST = 'shelly-103-eu.shelly.cloud';
const OTHER_HOST = 'shelly-77-eu.shelly.cloud';

describe('integrator actions', () => {
  let simulator: ShellySimulator;
  let client: SocketClient;
  let gen1: SimulatedDevice;
  let gen2: SimulatedDevice;
  let trid = 100;

  function action(data: unknown) {
    trid += 1;
    return client.request(
      { event: 'Integrator:ActionRequest', trid, data },
      'Integrator:ActionResponse',
    );
  }

  beforeEach(async () => {
    simulator = await ShellySimulator.start({
      integrators: [{ tag: 'ITG_ACME', token: 'secret' }],
      hosts: [HOST, OTHER_HOST],
      seed: 9,
      fleet: {
        devices: [
          { model: 'SHSW-25', host: HOST },
          { model: 'SNSW-001P16EU', host: HOST },
        ],
      },
    });
    [gen1, gen2] = simulator.devices;
    await simulator.grantConsent(gen1, { userId: 48213, accessGroups: '00' });
    await simulator.grantConsent(gen2, { userId: 48213, accessGroups: '01' });
    client = await SocketClient.connect(simulator.wsUrl(HOST, await simulator.issueToken()));
  });
  afterEach(async () => {
    client.close();
    await simulator.stop();
  });

  it('verifies an online device with its type, status and access groups, user as a string', async () => {
    const response = await action({ action: 'DeviceVerify', deviceId: gen1.identity.deviceId });

    expect(response).toMatchObject({
      event: 'Integrator:ActionResponse',
      trid,
      user: '48213',
      data: {
        result: 'OK',
        deviceId: gen1.identity.deviceId,
        deviceType: 'SHSW-25',
        deviceCode: 'SHSW-25',
        accessGroups: '00',
      },
    });
    expect(response.data.deviceStatus.rollers).toHaveLength(1);
  });

  it('verifies an offline device with the result and id only', async () => {
    simulator.setOnline(gen2, false);

    const response = await action({ action: 'DeviceVerify', deviceId: gen2.identity.deviceId });

    expect(response.data).toEqual({ result: 'OK', deviceId: gen2.identity.deviceId });
  });

  it('returns the settings of an online device', async () => {
    const response = await action({
      action: 'DeviceGetSettings',
      deviceId: gen2.identity.deviceId,
    });

    expect(response.data).toMatchObject({
      result: 'OK',
      deviceId: gen2.identity.deviceId,
      deviceType: 'SNSW-001P16EU',
      deviceCode: 'SNSW-001P16EU',
      deviceSettings: { sys: { device: { mac: gen2.identity.mac } } },
    });
  });

  it('returns no settings for an offline device', async () => {
    simulator.setOnline(gen1, false);

    const response = await action({
      action: 'DeviceGetSettings',
      deviceId: gen1.identity.deviceId,
    });

    expect(response.data).toEqual({ result: 'OK', deviceId: gen1.identity.deviceId });
  });

  it('answers WRONG_HOST with the host the device lives on', async () => {
    simulator.moveDevice(gen1, OTHER_HOST);

    const response = await action({ action: 'DeviceVerify', deviceId: gen1.identity.deviceId });

    expect(response.data).toEqual({
      result: 'WRONG_HOST',
      deviceId: gen1.identity.deviceId,
      host: OTHER_HOST,
    });
  });

  it('answers UNAUTHORIZED for a device without consent', async () => {
    await simulator.revokeConsent(gen2);

    const response = await action({ action: 'DeviceVerify', deviceId: gen2.identity.deviceId });

    expect(response.data).toEqual({ result: 'UNAUTHORIZED', deviceId: gen2.identity.deviceId });
    expect(response).not.toHaveProperty('user');
  });

  it.each([
    ['no data', undefined],
    ['no deviceId', { action: 'DeviceVerify' }],
    ['an unknown action', { action: 'DeviceReboot', deviceId: '224830197357980' }],
    ['a hex deviceId', { action: 'DeviceVerify', deviceId: 'cc7b5c0c5d9c' }],
  ])('answers WRONG_API_PARAMETERS for %s', async (_case, data) => {
    const response = await action(data);

    expect(response.data.result).toBe('WRONG_API_PARAMETERS');
  });

  it('records every action with its result', async () => {
    await action({ action: 'DeviceVerify', deviceId: gen1.identity.deviceId });

    expect(simulator.actions).toEqual([
      expect.objectContaining({
        host: HOST,
        trid,
        request: { action: 'DeviceVerify', deviceId: gen1.identity.deviceId },
        result: 'OK',
      }),
    ]);
  });
});
