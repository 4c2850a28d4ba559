import { Client } from 'pg';
import { validateAgainstAsyncApi } from '../support/asyncapi-contract';
import { ControlRig, startControlRig } from '../support/control';
import { eventually } from '../support/eventually';
import { readTopic } from '../support/kafka-reader';
import { metricValue } from '../support/metrics-scrape';
import { requireServices } from '../support/services';

const { kafkaBrokers } = requireServices();
const toggle = { type: 'relay', channel: 0, action: 'toggle' };

interface AuditRow {
  id: string;
  device_id: string;
  api_key_id: string | null;
  command: unknown;
  decision: string;
  error_code: string | null;
  consent_scope: string | null;
  trid: number | null;
  outcome: string;
  latency_ms: number;
}

/** Every attempt, allowed or denied, is in Postgres and on the command-audit topic. */
describe('the command audit', () => {
  let rig: ControlRig;

  beforeAll(async () => {
    rig = await startControlRig({
      models: ['SHSW-1', 'SHSW-1', 'SHHT-1'],
      env: { CONTROL_COMMAND_TIMEOUT_MS: '300' },
    });
  });

  afterAll(() => rig?.stop());

  async function auditRows(): Promise<AuditRow[]> {
    const client = new Client({ connectionString: rig.service.databaseUrl });
    await client.connect();
    try {
      return (await client.query<AuditRow>('SELECT * FROM command_audit ORDER BY recorded_at, id'))
        .rows;
    } finally {
      await client.end();
    }
  }

  it('records allowed and denied attempts with key, device, command, decision, scope, trid, outcome and latency', async () => {
    const [relay, readOnly] = rig.sim.devices.filter((d) => d.model.code === 'SHSW-1');
    const sensor = rig.device('SHHT-1');
    await rig.grant(readOnly, '00');

    const ok = await rig.command(relay.identity.id, toggle);
    expect(ok.status).toBe(200);
    expect((await rig.command(readOnly.identity.id, toggle)).status).toBe(403);
    expect((await rig.command(relay.identity.id, toggle, null)).status).toBe(401);
    expect((await rig.command(relay.identity.id, toggle, rig.keys.read)).status).toBe(403);
    expect((await rig.command(sensor.identity.id, toggle)).status).toBe(502);
    rig.sim.faults.dropCommandResponses(true);
    expect((await rig.command(relay.identity.id, { ...toggle, action: 'on' })).status).toBe(504);
    rig.sim.faults.clear();

    const expected = [
      {
        device_id: relay.identity.id,
        api_key_id: rig.keyIds.control,
        command: toggle,
        decision: 'allowed',
        error_code: null,
        consent_scope: 'control',
        trid: ok.body.trid,
        outcome: 'ok',
      },
      {
        device_id: readOnly.identity.id,
        api_key_id: rig.keyIds.control,
        command: toggle,
        decision: 'denied',
        error_code: 'consent_read_only',
        consent_scope: 'read',
        trid: null,
        outcome: 'denied',
      },
      {
        device_id: relay.identity.id,
        api_key_id: rig.keyIds.read,
        decision: 'denied',
        error_code: 'api_key_scope_missing',
        outcome: 'denied',
      },
      {
        device_id: sensor.identity.id,
        decision: 'allowed',
        error_code: 'device_refused',
        trid: expect.any(Number),
        outcome: 'refused',
      },
      {
        device_id: relay.identity.id,
        command: { ...toggle, action: 'on' },
        decision: 'allowed',
        error_code: 'command_timeout',
        trid: expect.any(Number),
        outcome: 'timeout',
      },
    ];
    // The attempt without a key (401) wrote nothing: the rows are exactly the others.
    let rows: AuditRow[] = [];
    await eventually(async () => {
      rows = await auditRows();
      expect(rows).toHaveLength(expected.length);
    }, 5_000);
    // Attempts can share a millisecond, so rows are matched by content, not by order.
    expect(rows).toEqual(
      expect.arrayContaining(expected.map((e): unknown => expect.objectContaining(e))),
    );
    expect(rows.every((row) => row.latency_ms >= 0)).toBe(true);
    const allowed = rows.find((row) => row.outcome === 'ok')!;
    expect(rows.find((row) => row.outcome === 'timeout')!.latency_ms).toBeGreaterThanOrEqual(300);

    const records = await readTopic(
      kafkaBrokers,
      rig.topics.commandAudit,
      (messages) => messages.length >= expected.length,
    );
    for (const record of records) {
      expect(validateAgainstAsyncApi('commandAudit', record)).toEqual([]);
    }
    expect(records.map((r) => (r.value as { id: string }).id).sort()).toEqual(
      rows.map((row) => row.id).sort(),
    );
    const byId = new Map(records.map((r) => [(r.value as { id: string }).id, r.value]));
    expect(byId.get(allowed.id)).toMatchObject({
      device: { id: relay.identity.id },
      apiKeyId: rig.keyIds.control,
      command: toggle,
      decision: 'allowed',
      errorCode: null,
      consentScope: 'control',
      trid: ok.body.trid,
      outcome: 'ok',
    });

    const count = (outcome: string, command = 'relay') =>
      metricValue(
        rig.service.managementUrl,
        'shelly_ingest_commands_total',
        `command="${command}",outcome="${outcome}"`,
      );
    expect(await count('ok')).toBe(1);
    expect(await count('denied')).toBe(2);
    expect(
      await metricValue(
        rig.service.managementUrl,
        'shelly_ingest_unauthenticated_requests_total',
        'reason="api_key_missing"',
      ),
    ).toBe(1);
    expect(await count('refused')).toBe(1);
    expect(await count('timeout')).toBe(1);
    expect(
      await metricValue(rig.service.managementUrl, 'shelly_ingest_command_duration_seconds_count'),
    ).toBe(3);
  });
});
