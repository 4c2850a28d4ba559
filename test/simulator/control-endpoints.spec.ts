import { ShellySimulator } from '../../src/simulator/simulator.server';
import { Frame, SocketClient } from './socket-client';

const HOST = 'shelly-103-eu.shelly.cloud';

describe('simulator control endpoints', () => {
  let simulator: ShellySimulator;
  let client: SocketClient;

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${simulator.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Frame };
  }

  beforeEach(async () => {
    simulator = await ShellySimulator.start({
      integrators: [{ tag: 'ITG_ACME', token: 'secret' }],
      hosts: [HOST],
      fleet: { devices: [{ model: 'SHSW-1', id: 'b923fa' }, { model: 'SNSW-001P16EU' }] },
      seed: 8,
    });
    client = await SocketClient.connect(simulator.wsUrl(HOST, await simulator.issueToken()));
  });
  afterEach(async () => {
    client.close();
    await simulator.stop();
  });

  it('describes itself and its devices with hex and decimal ids', async () => {
    const status = await call('GET', '/simulator/status');
    const devices = await call('GET', '/simulator/devices');

    expect(status.body).toMatchObject({ seed: 8, hosts: [HOST], devices: 2, consents: 0 });
    expect(status.body.connections).toEqual([expect.objectContaining({ host: HOST })]);
    expect(devices.body[0]).toMatchObject({
      id: 'b923fa',
      deviceId: '12133370',
      model: 'SHSW-1',
      gen: 'G1',
      host: HOST,
      online: true,
      consents: [],
    });
  });

  it('grants consent and emits a status for a device named by hex or decimal id', async () => {
    const grant = await call('POST', '/simulator/devices/b923fa/consent', {
      action: 'add',
      userId: 5,
    });
    const emitted = await call('POST', '/simulator/devices/12133370/status', {});

    expect(grant.body).toEqual({ applied: true });
    expect(emitted.body).toEqual({ sent: 1 });
    await client.next((frame) => frame.deviceId === '12133370');
  });

  it('grants consent to every device at once', async () => {
    const result = await call('POST', '/simulator/consents', { userId: 5, accessGroups: '00' });

    expect(result.body).toEqual({ granted: 2, failed: [] });
    expect(simulator.consents().map((consent) => consent.accessGroups)).toEqual(['00', '00']);
  });

  it('triggers a fault', async () => {
    const result = await call('POST', '/simulator/faults', {
      fault: 'malformed',
      host: HOST,
      kind: 'unknown-event',
    });

    expect(result.body).toEqual({ affected: 1 });
    await client.next((frame) => frame.event === 'Shelly:Unheard');
  });

  it('runs a load and answers with its report', async () => {
    await call('POST', '/simulator/consents', { userId: 5 });

    const result = await call('POST', '/simulator/load', { eventsPerSecond: 500, durationMs: 100 });

    expect(result.body).toMatchObject({
      targetFrames: 50,
      framesByHost: { [HOST]: expect.any(Number) },
    });
  });

  it('lists the recorded commands', async () => {
    await call('POST', '/simulator/devices/b923fa/consent', { action: 'add', userId: 5 });
    await client.request(
      {
        event: 'Shelly:CommandRequest',
        trid: 1,
        deviceId: '12133370',
        data: { cmd: 'relay', params: { id: 0, turn: 'on' } },
      },
      'Shelly:CommandResponse',
    );

    const commands = await call('GET', '/simulator/commands');

    expect(commands.body).toEqual([
      expect.objectContaining({ trid: 1, cmd: 'relay', answer: { isok: true } }),
    ]);
  });

  it('answers RPC calls with Error frames on demand, and lists the recorded calls', async () => {
    const plug = simulator.devices.find((device) => device.model.code === 'SNSW-001P16EU')!;
    await call('POST', `/simulator/devices/${plug.identity.id}/consent`, {
      action: 'add',
      userId: 5,
    });
    const request = (trid: number) => ({
      event: 'Shelly:JrpcRequest',
      trid,
      deviceId: plug.identity.deviceId,
      method: 'Shelly.GetStatus',
    });

    await call('POST', '/simulator/faults', { fault: 'error-frames', message: 'Bad request' });
    await client.request(request(1), 'Error');
    await call('POST', '/simulator/faults', { fault: 'error-frames', message: null });
    await client.request(request(2), 'Shelly:JrpcResponse');

    const calls = await call('GET', '/simulator/rpc-calls');

    expect(calls.body).toEqual([
      expect.objectContaining({ trid: 1, method: 'Shelly.GetStatus', delivery: 'error-frame' }),
      expect.objectContaining({ trid: 2, method: 'Shelly.GetStatus', delivery: 'sent' }),
    ]);
  });

  it.each([
    ['an unknown device', 'POST', '/simulator/devices/aaaaaa/status', {}, 404, 'UNKNOWN_DEVICE'],
    [
      'a body that fails validation',
      'POST',
      '/simulator/devices/b923fa/online',
      { online: 'yes' },
      400,
      'INVALID_REQUEST',
    ],
    ['an unknown fault', 'POST', '/simulator/faults', { fault: 'meteor' }, 400, 'INVALID_REQUEST'],
    [
      'an unknown host',
      'POST',
      '/simulator/devices/b923fa/move',
      { host: 'nowhere' },
      400,
      'UNKNOWN_HOST',
    ],
    ['an unknown path', 'GET', '/simulator/nothing', undefined, 404, 'NOT_FOUND'],
  ])('answers %s with a stable error code', async (_case, method, path, body, status, error) => {
    const result = await call(method, path, body);

    expect(result.status).toBe(status);
    expect(result.body.error).toBe(error);
  });
});
