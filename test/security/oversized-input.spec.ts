import { ControlRig, startControlRig } from '../support/control';
import { sql } from '../support/sql';

const on = { type: 'relay', channel: 0, action: 'on' };

/** Oversized ids, bodies, headers and query values are refused early, echoed short, and stored nowhere. */
describe('oversized input', () => {
  let rig: ControlRig;

  beforeAll(async () => {
    rig = await startControlRig({ models: ['SHSW-1'] });
  });

  afterAll(() => rig?.stop());

  const auditRows = async () =>
    Number(
      (await sql<{ n: string }>(rig.service.databaseUrl, 'SELECT count(*) AS n FROM command_audit'))
        .rows[0].n,
    );

  it('answers ids of thousands of characters 404 with a short message, on every route, and audits nothing', async () => {
    const before = await auditRows();
    const long = `X${'a'.repeat(5_000)}`;
    const answers = await Promise.all([
      rig.get(`/v1/devices/${long}`),
      rig.get(`/v1/devices/${long}/commands`),
      rig.command(long, on),
      rig.call('GET', `/v1/partners/${'a'.repeat(5_000)}`, rig.keys.admin),
      rig.get(`/v1/consents/${'1'.repeat(5_000)}`, rig.keys.admin),
    ]);
    expect(answers.map((a) => [a.status, a.body.code])).toEqual([
      [404, 'device_not_found'],
      [404, 'device_not_found'],
      [404, 'device_not_found'],
      [404, 'partner_not_found'],
      [400, 'invalid_body'],
    ]);
    for (const answer of answers) expect((answer.body.message as string).length).toBeLessThan(200);
    await rig.waitForBufferEmpty();
    expect(await auditRows()).toBe(before);
  });

  it('refuses a command body beyond the body limit with 413 and audits nothing', async () => {
    const before = await auditRows();
    const answer = await rig.command(rig.sim.devices[0].identity.id, {
      ...on,
      pad: 'x'.repeat(200_000),
    });
    expect(answer).toMatchObject({ status: 413, body: { code: 'payload_too_large' } });
    expect(await auditRows()).toBe(before);
    expect(rig.sim.commands).toHaveLength(0);
  });

  it('refuses an Idempotency-Key, a page cursor and a filter beyond their bounds with 400', async () => {
    const device = rig.sim.devices[0].identity.id;
    const answers = await Promise.all([
      rig.command(device, on, undefined, { 'idempotency-key': 'k'.repeat(1_000) }),
      rig.get(`/v1/devices?after=${'a'.repeat(1_000)}`),
      rig.get(`/v1/devices?host=${'h'.repeat(1_000)}`),
      rig.get(`/v1/consents?host=${'h'.repeat(1_000)}`, rig.keys.admin),
    ]);
    expect(answers.map((a) => [a.status, a.body.code])).toEqual([
      [400, 'invalid_idempotency_key'],
      [400, 'invalid_body'],
      [400, 'invalid_body'],
      [400, 'invalid_body'],
    ]);
    expect(rig.sim.commands).toHaveLength(0);
  });

  it('answers an API key of thousands of characters 401 without echoing it', async () => {
    const key = `sik_${'k'.repeat(8_000)}`;
    const answer = await rig.get('/v1/devices', key);
    expect(answer).toMatchObject({ status: 401, body: { code: 'api_key_invalid' } });
    expect(JSON.stringify(answer.body)).not.toContain('kkkk');
  });
});
