import { ControlRig, startControlRig } from '../support/control';
import { eventually } from '../support/eventually';
import { openApiProblems } from '../support/openapi-contract';

/** Each command type reaches the device as the protocol's `Shelly:CommandRequest`, and its answer comes back. */
describe('commands and the device answers', () => {
  let rig: ControlRig;

  beforeAll(async () => {
    rig = await startControlRig({ env: { CONTROL_COMMAND_TIMEOUT_MS: '500' } });
  });

  afterAll(() => rig?.stop());

  afterEach(() => rig.sim.faults.clear());

  const lastCommandTo = (deviceId: string) =>
    rig.sim.commands.filter((c) => c.deviceId === deviceId).at(-1);

  describe('a relay toggle', () => {
    it('answers 200 with the trid, and the device switched', async () => {
      const relay = rig.device('SHSW-1');
      const before = relay.state.relays[0].on;

      const answer = await rig.command(relay.identity.id, {
        type: 'relay',
        channel: 0,
        action: 'toggle',
      });

      expect(answer.status).toBe(200);
      expect(openApiProblems('CommandResult', answer.body)).toEqual([]);
      expect(answer.body).toMatchObject({ device: relay.identity.id, outcome: 'ok' });
      expect(relay.state.relays[0].on).toBe(!before);
      const sent = lastCommandTo(relay.identity.deviceId)!;
      expect(sent).toMatchObject({
        trid: answer.body.trid,
        deviceId: relay.identity.deviceId,
        cmd: 'relay',
        params: { id: 0, turn: 'toggle' },
        answer: { isok: true },
      });
      // The status change the device reported reaches the device view.
      await eventually(async () => {
        const view = await rig.get(`/v1/devices/${relay.identity.id}`);
        expect(view.body.measurements).toContainEqual(
          expect.objectContaining({
            component: 'switch',
            channel: 0,
            metric: 'output',
            value: !before,
          }),
        );
      }, 5_000);
    });

    it('takes the decimal id too, and passes a flip-back timer on', async () => {
      const relay = rig.device('SNSW-001P16EU');
      const answer = await rig.command(relay.identity.deviceId, {
        type: 'relay',
        channel: 0,
        action: 'on',
        timeoutSeconds: 30,
      });
      expect(answer.status).toBe(200);
      expect(lastCommandTo(relay.identity.deviceId)).toMatchObject({
        cmd: 'relay',
        params: { id: 0, turn: 'on', timeout: 30 },
      });
    });
  });

  it('sends a light command with its colour fields', async () => {
    const light = rig.device('SHRGBW2');
    const answer = await rig.command(light.identity.id, {
      type: 'light',
      channel: 0,
      action: 'on',
      mode: 'color',
      red: 255,
      green: 10,
      blue: 0,
      white: 0,
      gain: 60,
      effect: 0,
    });
    expect(answer.status).toBe(200);
    expect(lastCommandTo(light.identity.deviceId)).toMatchObject({
      cmd: 'light',
      params: {
        id: 0,
        turn: 'on',
        mode: 'color',
        red: 255,
        green: 10,
        blue: 0,
        white: 0,
        gain: 60,
        effect: 0,
      },
    });
    expect(light.state.lights[0]).toMatchObject({ on: true, red: 255, gain: 60 });
  });

  it('sends a dimmer its brightness', async () => {
    const dimmer = rig.device('SHDM-2');
    const answer = await rig.command(dimmer.identity.id, {
      type: 'light',
      channel: 0,
      action: 'on',
      brightness: 35,
    });
    expect(answer.status).toBe(200);
    expect(dimmer.state.lights[0]).toMatchObject({ on: true, brightness: 35 });
  });

  it('opens a roller for a while, and moves another to a position', async () => {
    const roller = rig.device('SHSW-25');
    const open = await rig.command(roller.identity.id, {
      type: 'roller',
      channel: 0,
      action: 'open',
      durationSeconds: 3,
    });
    expect(open.status).toBe(200);
    expect(lastCommandTo(roller.identity.deviceId)).toMatchObject({
      cmd: 'roller',
      params: { id: 0, go: 'open', duration: 3 },
    });

    const cover = rig.device('SNSW-102P16EU');
    const move = await rig.command(cover.identity.id, {
      type: 'roller_position',
      channel: 0,
      position: 40,
    });
    expect(move.status).toBe(200);
    expect(lastCommandTo(cover.identity.deviceId)).toMatchObject({
      cmd: 'roller_to_pos',
      params: { id: 0, pos: 40 },
    });
    expect(cover.state.rollers[0].pos).toBe(40);

    const tilt = await rig.command(cover.identity.id, {
      type: 'roller_position',
      channel: 0,
      relative: -15,
      slatRelative: 10,
    });
    expect(tilt.status).toBe(200);
    expect(lastCommandTo(cover.identity.deviceId)).toMatchObject({
      cmd: 'roller_to_pos',
      params: { id: 0, rel: -15, slat_rel: 10 },
    });
    expect(cover.state.rollers[0].pos).toBe(25);
  });

  it.each([
    [{ position: 40, relative: 5 }, 'relative: position and relative are mutually exclusive'],
    [
      { slatPosition: 40, slatRelative: 5 },
      'slatRelative: slatPosition and slatRelative are mutually exclusive',
    ],
  ])('refuses a roller position with both of %j, sending nothing', async (fields, message) => {
    const cover = rig.device('SNSW-102P16EU');
    const sent = rig.sim.commands.length;

    const answer = await rig.command(cover.identity.id, {
      type: 'roller_position',
      channel: 0,
      ...fields,
    });

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'invalid_body', message });
    expect(rig.sim.commands).toHaveLength(sent);
  });

  it("answers 502 with Shelly's reason when the device refuses", async () => {
    const relay = rig.device('SHSW-1');
    const answer = await rig.command(relay.identity.id, {
      type: 'relay',
      channel: 3,
      action: 'on',
    });
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ code: 'device_refused', reason: 'INVALID_CHANNEL' });
    expect(openApiProblems('Error', answer.body)).toEqual([]);

    const sensor = rig.device('SHHT-1');
    const unsupported = await rig.command(sensor.identity.id, {
      type: 'relay',
      channel: 0,
      action: 'on',
    });
    expect(unsupported.status).toBe(502);
    expect(unsupported.body).toMatchObject({
      code: 'device_refused',
      reason: 'UNSUPPORTED_COMMAND',
    });
  });

  it('answers 504 when no response comes in time, and the next command is answered again', async () => {
    const relay = rig.device('SHSW-1');
    rig.sim.faults.dropCommandResponses(true);

    const lost = await rig.command(relay.identity.id, { type: 'relay', channel: 0, action: 'on' });

    expect(lost.status).toBe(504);
    expect(lost.body.code).toBe('command_timeout');
    // It did reach the device: a timeout says nothing about whether the command ran.
    const dropped = lastCommandTo(relay.identity.deviceId)!;
    expect(dropped).toMatchObject({ delivery: 'dropped' });

    rig.sim.faults.clear();
    const next = await rig.command(relay.identity.id, { type: 'relay', channel: 0, action: 'off' });
    expect(next.status).toBe(200);
    expect(next.body.trid).not.toBe(dropped.trid);
  });

  it('ignores an answer that arrives after the timeout', async () => {
    const relay = rig.device('SHSW-1', 1);
    rig.sim.faults.delayCommandResponses(800);

    const late = await rig.command(relay.identity.id, { type: 'relay', channel: 0, action: 'on' });
    expect(late.status).toBe(504);
    const lateTrid = lastCommandTo(relay.identity.deviceId)!.trid;

    rig.sim.faults.clear();
    // The late response lands while this command waits; it must not settle it.
    const next = await rig.command(relay.identity.id, { type: 'relay', channel: 0, action: 'off' });
    expect(next.status).toBe(200);
    expect(next.body.trid).not.toBe(lateTrid);
  });
});
