import { randomUUID } from 'node:crypto';
import { RunningService, startService } from '../support/app';
import { validateAgainstAsyncApi } from '../support/asyncapi-contract';
import { eventually } from '../support/eventually';
import { readTopic } from '../support/kafka-reader';
import { metricValue } from '../support/metrics-scrape';
import { requireServices } from '../support/services';
import { sql } from '../support/sql';

/** Above Kafka's default record limit (1 MiB), so that the broker refuses the row's record. */
const POISON_PAYLOAD_BYTES = 1536 * 1024;

interface ParkedValue {
  reason: string;
  record: { topic: string; key: string; valueBytes: number; truncated: boolean };
}

describe('a poison row in the outbox', () => {
  const { kafkaBrokers } = requireServices();
  let service: RunningService | undefined;

  afterAll(async () => {
    await service?.stop();
  });

  it('is parked after five passes, the rows after it are relayed, and the gauges show the backlog meanwhile', async () => {
    service = await startService();
    const { topics } = service.config.kafka;
    const eventIds = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const time = '2025-03-02T10:15:00.000Z';
    const payload = (id: string, extra = '') =>
      `{"type":"consent.granted.v1","id":"${id}","time":"${time}","partner":"default"${extra}}`;
    // One statement, rows dated an hour back, so the gauges show the whole backlog at once; one
    // device, so one partition, where the order shows. Without a `source`, as a build from before
    // the CloudEvents headers wrote them.
    await sql(
      service.databaseUrl,
      `INSERT INTO outbox_event (topic, key, event_type, event_id, payload, created_at)
       SELECT $1, 'cc7b5c0c5d9c', 'consent.granted.v1', (ids)[n]::uuid, (payloads)[n]::jsonb,
              now() - interval '1 hour'
       FROM (SELECT $2::text[] AS ids, $3::text[] AS payloads) AS input, generate_series(1, 4) AS n`,
      [
        topics.consent,
        eventIds,
        [
          payload(eventIds[0], `,"padding":"${'x'.repeat(POISON_PAYLOAD_BYTES)}"`),
          ...eventIds.slice(1).map((id) => payload(id)),
        ],
      ],
    );

    await eventually(async () => {
      expect(await metricValue(service!.managementUrl, 'shelly_ingest_outbox_depth')).toBe(4);
      expect(
        await metricValue(service!.managementUrl, 'shelly_ingest_outbox_oldest_age_seconds'),
      ).toBeGreaterThanOrEqual(3600);
    }, 10_000);

    const relayed = await readTopic(kafkaBrokers, topics.consent, (read) => read.length >= 3);
    expect(relayed.map((message) => message.headers.ce_id)).toEqual(eventIds.slice(1));
    expect(relayed[0].headers).toEqual({
      ce_specversion: '1.0',
      ce_id: eventIds[1],
      ce_source: 'urn:shelly-ingest:outbox',
      ce_type: 'consent.granted.v1',
      ce_subject: 'cc7b5c0c5d9c',
      ce_time: time,
      'content-type': 'application/json',
      'partner-id': 'default',
    });

    const [parked] = await readTopic(kafkaBrokers, topics.parked, (read) => read.length >= 1);
    expect(validateAgainstAsyncApi(topics.parked, parked)).toEqual([]);
    const { reason, record } = parked.value as ParkedValue;
    expect(reason).toBe('record_too_large');
    expect(record).toMatchObject({ topic: topics.consent, key: 'cc7b5c0c5d9c', truncated: true });
    expect(record.valueBytes).toBeGreaterThan(POISON_PAYLOAD_BYTES);
    expect(
      await metricValue(
        service.managementUrl,
        'shelly_ingest_records_parked_total',
        'origin="outbox",reason="record_too_large"',
      ),
    ).toBe(1);

    await eventually(async () => {
      expect(await metricValue(service!.managementUrl, 'shelly_ingest_outbox_depth')).toBe(0);
      expect(
        await metricValue(service!.managementUrl, 'shelly_ingest_outbox_oldest_age_seconds'),
      ).toBe(0);
    }, 10_000);
  }, 120_000);
});
