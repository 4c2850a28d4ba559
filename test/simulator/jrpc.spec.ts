import { SimulatedDevice } from '../../src/simulator/simulated-device';
import { ShellySimulator } from '../../src/simulator/simulator.server';
import { SocketClient } from './socket-client';

const HOST = 'shelly-103-eu.shelly.cloud';
const OTHER_HOST = 'shelly-77-eu.shelly.cloud';

/** `Shelly:JrpcRequest` on the integrator socket: the relay's checks, then the device's own method. */
describe('RPC calls on the integrator socket', () => {
  let simulator: ShellySimulator;
  let client: SocketClient;
  let trid = 0;

  const device = (model: string) =>
    simulator.devices.find((candidate) => candidate.model.code === model)!;

  function call(target: SimulatedDevice, method: unknown, params?: unknown) {
    trid += 1;
    return client.request(
      { event: 'Shelly:JrpcRequest', trid, deviceId: target.identity.deviceId, method, params },
      'Shelly:JrpcResponse',
    );
  }

  beforeEach(async () => {
    simulator = await ShellySimulator.start({
      integrators: [{ tag: 'ITG_ACME', token: 'secret' }],
      hosts: [HOST, OTHER_HOST],
      seed: 7,
      fleet: {
        devices: [
          { model: 'SNSW-001P16EU', host: HOST },
          { model: 'SNSW-102P16EU', host: HOST },
          { model: 'SHSW-1', host: HOST },
          { model: 'SNSN-0024X', host: OTHER_HOST },
        ],
      },
    });
    for (const target of simulator.devices) {
      const readOnly = target.model.code === 'SNSW-102P16EU';
      await simulator.grantConsent(target, { userId: 48213, accessGroups: readOnly ? '00' : '01' });
    }
    client = await SocketClient.connect(simulator.wsUrl(HOST, await simulator.issueToken()));
  });

  afterEach(async () => {
    client.close();
    await simulator.stop();
  });

  it('answers a set method with its result, changes the device and records the call', async () => {
    const plug = device('SNSW-001P16EU');
    plug.state.relays[0].on = false;

    const answer = await call(plug, 'switch.set', { id: 0, on: true });

    expect(answer).toMatchObject({
      trid,
      deviceId: plug.identity.deviceId,
      response: { result: { was_on: false } },
    });
    expect(plug.state.relays[0].on).toBe(true);
    expect(simulator.rpcCalls.at(-1)).toMatchObject({
      trid,
      method: 'switch.set',
      params: { id: 0, on: true },
      delivery: 'sent',
    });
  });

  it('reads status, config and identity of a Gen2+ device', async () => {
    const plug = device('SNSW-001P16EU');
    expect((await call(plug, 'Shelly.GetDeviceInfo')).response.result).toMatchObject({
      model: 'SNSW-001P16EU',
      gen: 2,
      mac: plug.identity.mac,
    });
    expect((await call(plug, 'Shelly.GetStatus')).response.result).toHaveProperty('switch:0');
    expect((await call(plug, 'Switch.GetConfig', { id: 0 })).response.result).toMatchObject({
      id: 0,
    });
  });

  it("answers the device's errors: an unknown method, an absent channel, a bad argument", async () => {
    const plug = device('SNSW-001P16EU');
    expect((await call(plug, 'Shelly.Dance')).response).toEqual({
      error: { code: 404, message: 'No handler for Shelly.Dance' },
    });
    expect((await call(plug, 'Switch.GetStatus', { id: 3 })).response.error.code).toBe(-105);
    expect((await call(plug, 'Switch.Set', { id: 0 })).response.error.code).toBe(-103);
  });

  it('refuses a set method on a read-only device as UNAUTHORIZED, but answers its reads', async () => {
    const cover = device('SNSW-102P16EU');
    const before = cover.state.rollers[0].pos;
    expect((await call(cover, 'Cover.GoToPosition', { id: 0, pos: 3 })).response).toEqual({
      error: 'UNAUTHORIZED',
    });
    expect(cover.state.rollers[0].pos).toBe(before);
    expect((await call(cover, 'Cover.GetStatus', { id: 0 })).response.result).toMatchObject({
      current_pos: before,
    });
  });

  it('answers WRONG_ID for a Gen1 device and for one on another host', async () => {
    expect((await call(device('SHSW-1'), 'Shelly.GetStatus')).response).toEqual({
      error: 'WRONG_ID',
    });
    expect((await call(device('SNSN-0024X'), 'Shelly.GetStatus')).response).toEqual({
      error: 'WRONG_ID',
    });
  });

  it('answers device offline for a device that is not connected', async () => {
    const plug = device('SNSW-001P16EU');
    simulator.setOnline(plug, false);
    expect((await call(plug, 'Shelly.GetStatus')).response).toEqual({ error: 'device offline' });
  });

  it('answers with an Error frame naming the trid while the fault is on, and runs nothing', async () => {
    const plug = device('SNSW-001P16EU');
    plug.state.relays[0].on = false;
    simulator.faults.answerWithErrorFrames('Bad request');
    trid += 1;

    const error = await client.request(
      {
        event: 'Shelly:JrpcRequest',
        trid,
        deviceId: plug.identity.deviceId,
        method: 'Switch.Set',
        params: { id: 0, on: true },
      },
      'Error',
    );

    expect(error).toEqual({ event: 'Error', trid, message: 'Bad request' });
    expect(plug.state.relays[0].on).toBe(false);
    expect(simulator.rpcCalls.at(-1)).toMatchObject({ trid, delivery: 'error-frame' });
  });
});
