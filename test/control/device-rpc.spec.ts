import { validateAgainstAsyncApi } from '../support/asyncapi-contract';
import { ControlRig, startControlRig } from '../support/control';
import { eventually } from '../support/eventually';
import { readTopic } from '../support/kafka-reader';
import { openApiProblems } from '../support/openapi-contract';
import { requireServices } from '../support/services';
import { sql } from '../support/sql';

const { kafkaBrokers } = requireServices();

/**
 * Gen2+ RPC through `POST /v1/devices/{id}/rpc`: what the consent allows reaches the simulated
 * device as `Shelly:JrpcRequest`, anything else is refused before it leaves the service.
 */
describe('Gen2+ RPC calls', () => {
  let rig: ControlRig;

  beforeAll(async () => {
    // Long enough that only an answer, never the timeout, can end these requests within the test.
    rig = await startControlRig({ env: { CONTROL_COMMAND_TIMEOUT_MS: '120000' } });
  });

  afterAll(() => rig?.stop());

  afterEach(() => rig.sim.faults.clear());

  const callsTo = (deviceId: string) => rig.sim.rpcCalls.filter((c) => c.deviceId === deviceId);

  it('answers a read method with the device result under a read-only consent', async () => {
    const plug = rig.device('SNSW-001P16EU');
    await rig.grant(plug, '00');
    const output = plug.state.relays[0].on;

    const status = await rig.rpc(plug.identity.id, {
      method: 'Switch.GetStatus',
      params: { id: 0 },
    });
    const info = await rig.rpc(plug.identity.id, { method: 'shelly.getdeviceinfo' });

    expect(status.status).toBe(200);
    expect(openApiProblems('RpcResult', status.body)).toEqual([]);
    expect(status.body).toMatchObject({
      device: plug.identity.id,
      outcome: 'ok',
      result: { id: 0, output },
    });
    expect(info.status).toBe(200);
    expect(info.body.result).toMatchObject({ model: 'SNSW-001P16EU', gen: 2 });
    expect(callsTo(plug.identity.deviceId).slice(-2)).toMatchObject([
      { trid: status.body.trid, method: 'Switch.GetStatus', params: { id: 0 }, delivery: 'sent' },
      { trid: info.body.trid, method: 'shelly.getdeviceinfo', params: {} },
    ]);
  });

  it('refuses a set method under a read-only consent without sending it, and sends it once control is granted', async () => {
    const plug = rig.device('SNSW-001P16EU');
    await rig.grant(plug, '00');
    const before = plug.state.relays[0].on;
    const sent = callsTo(plug.identity.deviceId).length;
    const set = { method: 'Switch.Set', params: { id: 0, on: !before } };

    const refused = await rig.rpc(plug.identity.id, set);

    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('consent_read_only');
    expect(callsTo(plug.identity.deviceId)).toHaveLength(sent);

    await rig.grant(plug, '01');
    const done = await rig.rpc(plug.identity.id, set);

    expect(done.status).toBe(200);
    expect(done.body.result).toEqual({ was_on: before });
    expect(plug.state.relays[0].on).toBe(!before);
    expect(callsTo(plug.identity.deviceId).at(-1)).toMatchObject({
      method: 'Switch.Set',
      params: { id: 0, on: !before },
      response: { result: { was_on: before } },
    });
  });

  it('refuses a method that is neither a read method nor configured, without sending it', async () => {
    const plug = rig.device('SNSW-001P16EU');
    await rig.grant(plug, '01');
    const sent = rig.sim.rpcCalls.length;

    const reboot = await rig.rpc(plug.identity.id, { method: 'Shelly.Reboot' });

    expect(reboot.status).toBe(403);
    expect(reboot.body.code).toBe('rpc_method_not_allowed');
    expect(openApiProblems('Error', reboot.body)).toEqual([]);
    expect(rig.sim.rpcCalls).toHaveLength(sent);
  });

  it('answers 422 for a Gen1 device, without sending anything', async () => {
    const relay = rig.device('SHSW-1');
    const sent = rig.sim.rpcCalls.length;

    const answer = await rig.rpc(relay.identity.id, { method: 'Shelly.GetStatus' });

    expect(answer.status).toBe(422);
    expect(answer.body.code).toBe('rpc_unsupported');
    expect(rig.sim.rpcCalls).toHaveLength(sent);
  });

  it("passes the device's RPC error on as rpc_error with its code and message", async () => {
    const plug = rig.device('SNSW-001P16EU');

    const answer = await rig.rpc(plug.identity.id, {
      method: 'Switch.GetStatus',
      params: { id: 7 },
    });

    expect(answer.status).toBe(502);
    expect(openApiProblems('Error', answer.body)).toEqual([]);
    expect(answer.body).toMatchObject({
      code: 'rpc_error',
      rpcCode: -105,
      reason: expect.stringContaining('not found'),
    });
  });

  it('refuses an invalid body with 400 and the field it is about', async () => {
    const plug = rig.device('SNSW-001P16EU');
    const answer = await rig.rpc(plug.identity.id, { method: 'Reboot' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'invalid_body' });
    expect(answer.body.message).toMatch(/^method: /);
  });

  it('audits a call with its method and params as the command', async () => {
    const cover = rig.device('SNSW-102P16EU');
    const answer = await rig.rpc(cover.identity.id, {
      method: 'Cover.GoToPosition',
      params: { id: 0, pos: 25 },
    });
    expect(answer.status).toBe(200);
    expect(cover.state.rollers[0].pos).toBe(25);

    await eventually(async () => {
      const rows = await sql(
        rig.service.databaseUrl,
        'SELECT command, outcome, trid, consent_scope FROM command_audit WHERE trid = $1 AND device_id = $2',
        [answer.body.trid, cover.identity.id],
      );
      expect(rows.rows).toEqual([
        {
          command: { type: 'rpc', method: 'Cover.GoToPosition', params: { id: 0, pos: 25 } },
          outcome: 'ok',
          trid: answer.body.trid,
          consent_scope: 'control',
        },
      ]);
    }, 5_000);
    const isThisCall = (value: unknown) => (value as { trid: number }).trid === answer.body.trid;
    const records = await readTopic(kafkaBrokers, rig.topics.commandAudit, (messages) =>
      messages.some((m) => isThisCall(m.value)),
    );
    const record = records.find((r) => isThisCall(r.value))!;
    expect(validateAgainstAsyncApi('commandAudit', record)).toEqual([]);
  });

  it('answers a retry with the same Idempotency-Key from the first answer, sending once', async () => {
    const plug = rig.device('SNSW-001P16EU');
    await rig.grant(plug, '01');
    const headers = { 'idempotency-key': 'rpc-toggle-1' };
    const toggle = { method: 'Switch.Toggle', params: { id: 0 } };
    const sent = callsTo(plug.identity.deviceId).length;

    const first = await rig.rpc(plug.identity.id, toggle, undefined, headers);
    const retry = await rig.rpc(plug.identity.id, toggle, undefined, headers);
    const asCommand = await rig.command(
      plug.identity.id,
      { type: 'relay', channel: 0, action: 'toggle' },
      undefined,
      headers,
    );

    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(callsTo(plug.identity.deviceId)).toHaveLength(sent + 1);
    expect(asCommand.status).toBe(422);
    expect(asCommand.body.code).toBe('idempotency_key_reused');
  });

  describe('an Error frame in place of the response', () => {
    it('fails a pending RPC call at once, with its message as the reason', async () => {
      const plug = rig.device('SNSW-001P16EU');
      rig.sim.faults.answerWithErrorFrames('Bad request');

      const answer = await rig.rpc(plug.identity.id, { method: 'Shelly.GetStatus' });

      expect(answer.status).toBe(502);
      expect(answer.body).toMatchObject({ code: 'device_refused', reason: 'Bad request' });
      expect(callsTo(plug.identity.deviceId).at(-1)).toMatchObject({ delivery: 'error-frame' });
    });

    it('fails a pending command at once, with its message as the reason', async () => {
      const relay = rig.device('SHSW-1');
      rig.sim.faults.answerWithErrorFrames('Too many requests');

      const answer = await rig.command(relay.identity.id, {
        type: 'relay',
        channel: 0,
        action: 'on',
      });

      expect(answer.status).toBe(502);
      expect(answer.body).toMatchObject({ code: 'device_refused', reason: 'Too many requests' });
      expect(
        rig.sim.commands.filter((c) => c.deviceId === relay.identity.deviceId).at(-1),
      ).toMatchObject({ delivery: 'error-frame' });
    });
  });
});
