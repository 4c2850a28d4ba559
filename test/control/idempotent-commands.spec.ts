import { randomUUID } from 'node:crypto';
import { CommandIdempotencyStore } from '../../src/control/command-idempotency.store';
import { SimulatedDevice } from '../../src/simulator/simulated-device';
import { Answer, ControlRig, startControlRig } from '../support/control';
import { sql } from '../support/sql';
import { metricValue } from '../support/metrics-scrape';
import { openApiProblems } from '../support/openapi-contract';

const toggle = { type: 'relay', channel: 0, action: 'toggle' };
const on = { type: 'relay', channel: 0, action: 'on' };

/** A command retried with the same Idempotency-Key reaches the device once. */
describe('idempotent commands', () => {
  let rig: ControlRig;

  beforeAll(async () => {
    rig = await startControlRig({
      models: Array<string>(9).fill('SHSW-1'),
      env: { CONTROL_COMMAND_TIMEOUT_MS: '500' },
    });
  });

  afterAll(() => rig?.stop());

  afterEach(() => rig.sim.faults.clear());

  const relay = (index: number) => rig.device('SHSW-1', index);
  const sentTo = (device: SimulatedDevice) =>
    rig.sim.commands.filter((c) => c.deviceId === device.identity.deviceId).length;
  const send = (device: SimulatedDevice, body: unknown, key: string, apiKey = rig.keys.control) =>
    rig.command(device.identity.id, body, apiKey, { 'idempotency-key': key });
  const replayed = (answer: Answer) => answer.headers.get('idempotent-replayed');

  const rowCount = async (text: string, values: unknown[]) =>
    (await sql(rig.service.databaseUrl, text, values)).rowCount ?? 0;

  it('sends a retried toggle once, and the retry gets the first answer', async () => {
    const device = relay(0);
    const before = device.state.relays[0].on;
    const key = randomUUID();
    const first = await send(device, toggle, key);
    expect(first.status).toBe(200);
    expect(replayed(first)).toBeNull();
    const okAttempts = () =>
      metricValue(
        rig.service.managementUrl,
        'shelly_ingest_commands_total',
        'command="relay",outcome="ok"',
      );
    const replays = () =>
      metricValue(rig.service.managementUrl, 'shelly_ingest_command_idempotent_replays_total');
    const [attemptsBefore, replaysBefore] = [await okAttempts(), await replays()];

    // The same request: the device by its decimal id, the command's fields in another order.
    const retry = await rig.command(
      device.identity.deviceId,
      { action: 'toggle', channel: 0, type: 'relay' },
      rig.keys.control,
      { 'idempotency-key': key },
    );

    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(replayed(retry)).toBe('true');
    expect(sentTo(device)).toBe(1);
    expect(device.state.relays[0].on).toBe(!before);
    expect(await okAttempts()).toBe(attemptsBefore);
    expect(await replays()).toBe(replaysBefore + 1);
  });

  it('answers a retry of a command that timed out with the same 504, without sending it again', async () => {
    const device = relay(1);
    const key = randomUUID();
    rig.sim.faults.dropCommandResponses(true);
    const first = await send(device, toggle, key);
    expect(first.status).toBe(504);
    expect(first.body.code).toBe('command_timeout');

    rig.sim.faults.clear();
    const retry = await send(device, toggle, key);

    expect(retry.status).toBe(504);
    expect(retry.body).toEqual(first.body);
    expect(replayed(retry)).toBe('true');
    expect(sentTo(device)).toBe(1);
  });

  it('answers 422 to the same key with another command or device, and sends nothing', async () => {
    const [device, other] = [relay(2), relay(3)];
    const key = randomUUID();
    expect((await send(device, on, key)).status).toBe(200);

    const otherCommand = await send(device, { ...on, action: 'off' }, key);
    const otherDevice = await send(other, on, key);

    for (const answer of [otherCommand, otherDevice]) {
      expect(answer.status).toBe(422);
      expect(answer.body.code).toBe('idempotency_key_reused');
      expect(openApiProblems('Error', answer.body)).toEqual([]);
    }
    expect(sentTo(device)).toBe(1);
    expect(sentTo(other)).toBe(0);
  });

  it('keeps keys apart per API key: the same key under another API key sends', async () => {
    const device = relay(4);
    const key = randomUUID();

    const first = await send(device, on, key, rig.keys.control);
    const second = await send(device, on, key, rig.keys.admin);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(replayed(second)).toBeNull();
    expect(second.body.trid).not.toBe(first.body.trid);
    expect(sentTo(device)).toBe(2);
  });

  it('keeps nothing of a refusal before sending: once consent allows control, the retry sends', async () => {
    const device = relay(5);
    const key = randomUUID();
    await rig.grant(device, '00');
    const refused = await send(device, on, key);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('consent_read_only');

    await rig.grant(device, '01');
    const retry = await send(device, on, key);

    expect(retry.status).toBe(200);
    expect(replayed(retry)).toBeNull();
    expect(sentTo(device)).toBe(1);
  });

  it('sends once of two requests at once with the same key; the other is told to wait or replayed', async () => {
    const device = relay(6);
    const key = randomUUID();
    // The device answers late, so the first request still runs when the second arrives.
    rig.sim.faults.delayCommandResponses(200);

    const answers = await Promise.all([send(device, toggle, key), send(device, toggle, key)]);

    expect(sentTo(device)).toBe(1);
    const sent = answers.find((a) => a.status === 200 && replayed(a) === null)!;
    expect(sent).toBeDefined();
    const other = answers.find((a) => a !== sent)!;
    const otherOutcome =
      other.status === 409
        ? `409 ${String(other.body.code)} retry-after ${other.headers.get('retry-after')}`
        : `${other.status} replayed ${replayed(other)}`;
    expect(['409 idempotency_key_in_progress retry-after 1', '200 replayed true']).toContain(
      otherOutcome,
    );
    const later = await send(device, toggle, key);
    expect(later.body).toEqual(sent.body);
    expect(sentTo(device)).toBe(1);
  });

  it('answers 400 to an invalid key and sends nothing', async () => {
    const device = relay(7);
    for (const key of ['', 'k'.repeat(256), 'clé']) {
      const answer = await send(device, on, key);
      expect({ key, status: answer.status, code: answer.body.code }).toEqual({
        key,
        status: 400,
        code: 'invalid_idempotency_key',
      });
    }
    expect(sentTo(device)).toBe(0);
  });

  it('takes over a key older than 24 hours: the retry sends again', async () => {
    const device = relay(8);
    const key = randomUUID();
    const first = await send(device, on, key);
    expect(first.status).toBe(200);
    await rowCount(
      `UPDATE command_idempotency SET created_at = created_at - interval '25 hours'
       WHERE idempotency_key = $1`,
      [key],
    );

    const retry = await send(device, on, key);

    expect(retry.status).toBe(200);
    expect(replayed(retry)).toBeNull();
    expect(retry.body.trid).not.toBe(first.body.trid);
    expect(sentTo(device)).toBe(2);
  });

  it('purges keys older than 24 hours and keeps younger ones', async () => {
    const [expired, fresh] = [randomUUID(), randomUUID()];
    expect((await send(relay(8), on, expired)).status).toBe(200);
    expect((await send(relay(8), on, fresh)).status).toBe(200);
    await rowCount(
      `UPDATE command_idempotency SET created_at = created_at - interval '25 hours'
       WHERE idempotency_key = $1`,
      [expired],
    );

    await rig.service.app.get(CommandIdempotencyStore).purgeExpired();

    const left = (key: string) =>
      rowCount('SELECT 1 FROM command_idempotency WHERE idempotency_key = $1', [key]);
    expect(await left(expired)).toBe(0);
    expect(await left(fresh)).toBe(1);
  });
});
