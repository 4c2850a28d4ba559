import { ControlRig, startControlRig } from '../support/control';
import { readTopic } from '../support/kafka-reader';
import { metricValue } from '../support/metrics-scrape';
import { requireServices } from '../support/services';
import { sql } from '../support/sql';

const { kafkaBrokers } = requireServices();
const toggle = { type: 'relay', channel: 0, action: 'toggle' };

/** Callers without a valid key are answered and counted, and leave nothing behind. */
describe('a flood of unauthenticated command requests', () => {
  let rig: ControlRig;

  beforeAll(async () => {
    // All requests come from one address: without its limit of failed authentications, every one
    // of them meets the key check (test/http/per-ip-limits.spec.ts checks that limit).
    rig = await startControlRig({ models: ['SHSW-1'], env: { AUTH_FAILURE_RATE_PER_IP: '0' } });
  });

  afterAll(() => rig?.stop());

  const tableCount = async (table: string) =>
    Number(
      (await sql<{ n: string }>(rig.service.databaseUrl, `SELECT count(*) AS n FROM ${table}`))
        .rows[0].n,
    );

  it('leaves no audit row, outbox row or Kafka record after 10,000 of them, and counts each by reason', async () => {
    const device = rig.sim.devices[0].identity.id;
    const keys = [
      null,
      'not-a-key',
      'sik_unknownkey01_' + 'a'.repeat(43),
      rig.keys.control.replace(/.{4}$/, 'AAAA'),
    ];
    const [audit, outbox] = [await tableCount('command_audit'), await tableCount('outbox_event')];
    const statuses = new Map<number, number>();
    for (let batch = 0; batch < 100; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => rig.command(device, toggle, keys[(batch + i) % 4])),
      );
      for (const { status } of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect([...statuses]).toEqual([[401, 10_000]]);
    expect(rig.sim.commands).toHaveLength(0);

    const sentinel = await rig.command(device, toggle);
    expect(sentinel.status).toBe(200);
    const records = await readTopic(kafkaBrokers, rig.topics.commandAudit, (messages) =>
      messages.some((m) => (m.value as { trid: number }).trid === sentinel.body.trid),
    );
    expect(records).toHaveLength(1);
    expect(await tableCount('command_audit')).toBe(audit + 1);
    expect(await tableCount('outbox_event')).toBeLessThanOrEqual(outbox + 1);

    const counted = async (reason: string) =>
      metricValue(
        rig.service.managementUrl,
        'shelly_ingest_unauthenticated_requests_total',
        `reason="${reason}"`,
      );
    expect(await counted('api_key_missing')).toBe(2_500);
    expect(await counted('api_key_invalid')).toBe(7_500);
  }, 120_000);
});
