import { SimulatedDevice } from '../../src/simulator/simulated-device';
import { ShellySimulator } from '../../src/simulator/simulator.server';
import { Frame, SocketClient } from './socket-client';

const HOST = 'shelly-103-eu.shelly.cloud';
const OTHER_HOST = 'shelly-77-eu.shelly.cloud';
const OWNER = 48213;

describe('commands on the integrator socket', () => {
  let simulator: ShellySimulator;
  let client: SocketClient;
  let trid = 0;

  const device = (model: string, index = 0) =>
    simulator.devices.filter((candidate) => candidate.model.code === model)[index];

  function command(target: SimulatedDevice | string | number, cmd: unknown, params?: unknown) {
    trid += 1;
    const deviceId = typeof target === 'object' ? target.identity.deviceId : target;
    return client.request(
      { event: 'Shelly:CommandRequest', trid, deviceId, data: { cmd, params } },
      'Shelly:CommandResponse',
    );
  }

  async function statusAfter(target: SimulatedDevice, response: Promise<Frame>) {
    const answer = await response;
    const index = client.frames.indexOf(answer);
    const status = await client.next(
      (frame) =>
        frame.event === 'Shelly:StatusOnChange' &&
        frame.deviceId === target.identity.deviceId &&
        client.frames.indexOf(frame) > index,
    );
    return { answer, status: status.status };
  }

  beforeEach(async () => {
    simulator = await ShellySimulator.start({
      integrators: [{ tag: 'ITG_ACME', token: 'secret' }],
      hosts: [HOST, OTHER_HOST],
      seed: 5,
      fleet: {
        devices: [
          'SHSW-1',
          'SHSW-1',
          'SNSW-001P16EU',
          'SHDM-2',
          'SHRGBW2',
          'SNDM-0013US',
          'SHSW-25',
          'SNSW-102P16EU',
          'SHHT-1',
        ].map((model) => ({ model, host: HOST })),
      },
    });
    for (const target of simulator.devices) {
      const readOnly = target === device('SHSW-1', 1);
      await simulator.grantConsent(target, { userId: OWNER, accessGroups: readOnly ? '00' : '01' });
    }
    client = await SocketClient.connect(simulator.wsUrl(HOST, await simulator.issueToken()));
  });
  afterEach(async () => {
    client.close();
    await simulator.stop();
  });

  it('answers a relay command with the trid, the owner and isok, then sends the new status', async () => {
    const relay = device('SHSW-1');
    relay.state.relays[0].on = false;

    const { answer, status } = await statusAfter(
      relay,
      command(relay, 'relay', { id: 0, turn: 'on' }),
    );

    expect(answer).toEqual({
      event: 'Shelly:CommandResponse',
      trid,
      deviceId: relay.identity.deviceId,
      user: OWNER,
      data: { isok: true },
    });
    expect(status.relays[0]).toMatchObject({ ison: true, source: 'cloud' });
    expect(status.meters[0].power).toBeGreaterThan(0);
  });

  it('toggles a Gen2 switch', async () => {
    const plug = device('SNSW-001P16EU');
    const before = plug.state.relays[0].on;

    const { status } = await statusAfter(plug, command(plug, 'relay', { id: 0, turn: 'toggle' }));

    expect(status['switch:0'].output).toBe(!before);
  });

  it('sets brightness on a Gen1 dimmer', async () => {
    const dimmer = device('SHDM-2');

    const { status } = await statusAfter(
      dimmer,
      command(dimmer, 'light', { id: 0, turn: 'on', brightness: 30 }),
    );

    expect(status.lights[0]).toMatchObject({ ison: true, brightness: 30, mode: 'white' });
  });

  it('sets colour and gain on an RGBW2', async () => {
    const strip = device('SHRGBW2');

    const { status } = await statusAfter(
      strip,
      command(strip, 'light', { id: 0, turn: 'on', red: 255, green: 10, blue: 0, gain: 70 }),
    );

    expect(status.lights[0]).toMatchObject({ ison: true, red: 255, green: 10, blue: 0, gain: 70 });
  });

  it('switches a Gen2 light off', async () => {
    const dimmer = device('SNDM-0013US');

    const { status } = await statusAfter(dimmer, command(dimmer, 'light', { id: 0, turn: 'off' }));

    expect(status['light:0'].output).toBe(false);
  });

  it('opens a Gen1 roller', async () => {
    const roller = device('SHSW-25');

    const { status } = await statusAfter(roller, command(roller, 'roller', { id: 0, go: 'open' }));

    expect(status.rollers[0]).toMatchObject({
      state: 'open',
      current_pos: 100,
      last_direction: 'open',
    });
  });

  it('closes a Gen2 cover', async () => {
    const cover = device('SNSW-102P16EU');

    const { status } = await statusAfter(cover, command(cover, 'roller', { id: 0, go: 'close' }));

    expect(status['cover:0']).toMatchObject({ state: 'closed', current_pos: 0 });
  });

  it('moves a cover to a position, then by a relative amount', async () => {
    const cover = device('SNSW-102P16EU');

    const first = await statusAfter(cover, command(cover, 'roller_to_pos', { id: 0, pos: 40 }));
    const second = await statusAfter(cover, command(cover, 'roller_to_pos', { id: 0, rel: -15 }));

    expect(first.status['cover:0']).toMatchObject({ state: 'stopped', current_pos: 40 });
    expect(second.status['cover:0']).toMatchObject({ current_pos: 25, last_direction: 'close' });
  });

  it('flips a relay back when its timeout runs out', async () => {
    const relay = device('SHSW-1');
    relay.state.relays[0].on = false;

    await command(relay, 'relay', { id: 0, turn: 'on', timeout: 0.05 });
    const flipped = await client.next(
      (frame) =>
        frame.deviceId === relay.identity.deviceId && frame.status?.relays?.[0].source === 'timer',
    );

    expect(flipped.status.relays[0]).toMatchObject({ ison: false, has_timer: false });
  });

  it('accepts a numeric deviceId, as during the id type transition', async () => {
    const relay = device('SHSW-1');

    const answer = await command(Number(relay.identity.deviceId), 'relay', { id: 0, turn: 'off' });

    expect(answer.data).toEqual({ isok: true });
  });

  it('answers "device offline" for an offline device and changes nothing', async () => {
    const relay = device('SHSW-1');
    relay.state.relays[0].on = false;
    simulator.setOnline(relay, false);

    const answer = await command(relay, 'relay', { id: 0, turn: 'on' });

    expect(answer).toMatchObject({ user: OWNER, data: { isok: false, res: 'device offline' } });
    expect(relay.state.relays[0].on).toBe(false);
  });

  it('refuses a read-only device with UNAUTHORIZED and changes nothing', async () => {
    const readOnly = device('SHSW-1', 1);
    const before = readOnly.state.relays[0].on;

    const answer = await command(readOnly, 'relay', { id: 0, turn: 'toggle' });

    expect(answer).toMatchObject({ user: OWNER, data: { isok: false, res: 'UNAUTHORIZED' } });
    expect(readOnly.state.relays[0].on).toBe(before);
  });

  it('refuses a device without consent with UNAUTHORIZED and no user', async () => {
    const relay = device('SHSW-1');
    await simulator.revokeConsent(relay);

    const answer = await command(relay, 'relay', { id: 0, turn: 'on' });

    expect(answer.data).toEqual({ isok: false, res: 'UNAUTHORIZED' });
    expect(answer).not.toHaveProperty('user');
  });

  it('answers WRONG_HOST for a device that lives on another host', async () => {
    const relay = device('SHSW-1');
    simulator.moveDevice(relay, OTHER_HOST);

    const answer = await command(relay, 'relay', { id: 0, turn: 'on' });

    expect(answer.data).toEqual({ isok: false, res: 'WRONG_HOST' });
  });

  it.each([
    ['an unknown command', 'SHSW-1', 'blink', { id: 0 }, 'UNSUPPORTED_COMMAND'],
    [
      'a roller command to a relay',
      'SHSW-1',
      'roller',
      { id: 0, go: 'open' },
      'UNSUPPORTED_COMMAND',
    ],
    [
      'a relay command to a sensor',
      'SHHT-1',
      'relay',
      { id: 0, turn: 'on' },
      'UNSUPPORTED_COMMAND',
    ],
    ['a missing channel id', 'SHSW-1', 'relay', { turn: 'on' }, 'INVALID_CHANNEL'],
    ['a channel the device lacks', 'SHSW-1', 'relay', { id: 1, turn: 'on' }, 'INVALID_CHANNEL'],
    [
      'a turn value that is not on/off/toggle',
      'SHSW-1',
      'relay',
      { id: 0, turn: 'up' },
      'INVALID_PARAMS',
    ],
    [
      'a position above 100',
      'SNSW-102P16EU',
      'roller_to_pos',
      { id: 0, pos: 101 },
      'INVALID_PARAMS',
    ],
    [
      'pos and rel together',
      'SNSW-102P16EU',
      'roller_to_pos',
      { id: 0, pos: 10, rel: 5 },
      'INVALID_PARAMS',
    ],
    ['go up (the RTE wording)', 'SHSW-25', 'roller', { id: 0, go: 'up' }, 'INVALID_PARAMS'],
    ['brightness above 100', 'SHDM-2', 'light', { id: 0, brightness: 150 }, 'INVALID_PARAMS'],
  ])('refuses %s', async (_case, model, cmd, params, res) => {
    const target = device(model);

    const answer = await command(target, cmd, params);

    expect(answer.data).toEqual({ isok: false, res });
  });

  it('refuses a hex deviceId as malformed', async () => {
    const answer = await command(device('SHSW-1').identity.id, 'relay', { id: 0, turn: 'on' });

    expect(answer.data).toEqual({ isok: false, res: 'MALFORMED_REQUEST' });
  });

  it('records every command with what was answered', async () => {
    const relay = device('SHSW-1');

    await command(relay, 'relay', { id: 0, turn: 'off' });

    expect(simulator.commands).toEqual([
      expect.objectContaining({
        integrator: 'ITG_ACME',
        host: HOST,
        trid,
        deviceId: relay.identity.deviceId,
        cmd: 'relay',
        params: { id: 0, turn: 'off' },
        answer: { isok: true },
        delivery: 'sent',
      }),
    ]);
  });

  it('records a request without trid and leaves it unanswered', async () => {
    const relay = device('SHSW-1');
    client.socket.send(
      JSON.stringify({
        event: 'Shelly:CommandRequest',
        deviceId: relay.identity.deviceId,
        data: { cmd: 'relay', params: { id: 0, turn: 'on' } },
      }),
    );
    await command(relay, 'relay', { id: 0, turn: 'off' });

    expect(simulator.commands[0]).toMatchObject({ trid: undefined, delivery: 'none' });
    expect(simulator.commands[0].answer).toBeUndefined();
    expect(client.frames.filter((frame) => frame.event === 'Shelly:CommandResponse')).toHaveLength(
      1,
    );
  });

  it('ignores frames it does not understand and keeps serving', async () => {
    client.socket.send('not json');
    client.socket.send(JSON.stringify({ event: 'Shelly:Whatever', trid: 99 }));
    client.socket.send(Buffer.from('binary'), { binary: true });

    const answer = await command(device('SHSW-1'), 'relay', { id: 0, turn: 'on' });

    expect(answer.data.isok).toBe(true);
    expect(client.frames.filter((frame) => frame.trid === 99)).toEqual([]);
  });
});
