import { Kafka, logLevel } from 'kafkajs';
import { validateAgainstAsyncApi } from '../support/asyncapi-contract';
import { IngestRig, startIngestRig } from '../support/ingest';
import { ReadMessage, readTopic } from '../support/kafka-reader';
import { metricValue } from '../support/metrics-scrape';
import { requireServices, uniqueTopicPrefix } from '../support/services';

/** Below the 64 KiB a dead letter may weigh, so that the broker refuses the oversized frame's. */
const DEAD_LETTER_TOPIC_LIMIT_BYTES = 16 * 1024;

interface ParkedValue {
  reason: string;
  record: { topic: string; key: string; value: string; valueBytes: number; truncated: boolean };
}

function seqOf(message: ReadMessage): number | undefined {
  return (message.value as { status?: { _bench?: { seq: number } } }).status?._bench?.seq;
}

/** Creates `topic` with a record limit of its own before the service would create it. */
async function createSmallTopic(brokers: string, topic: string, maxBytes: number): Promise<void> {
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: 1,
          configEntries: [{ name: 'max.message.bytes', value: String(maxBytes) }],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

describe('a frame whose dead letter Kafka refuses', () => {
  const { kafkaBrokers } = requireServices();
  let rig: IngestRig | undefined;

  afterAll(async () => {
    await rig?.stop();
  });

  it('does not stop ingest: the events after it arrive, and the frame is in the parking topic, truncated', async () => {
    const prefix = uniqueTopicPrefix();
    await createSmallTopic(kafkaBrokers, `${prefix}dead-letter`, DEAD_LETTER_TOPIC_LIMIT_BYTES);
    // A linger lets the dead letter share its request with device events, which must still leave.
    rig = await startIngestRig({ env: { KAFKA_TOPIC_PREFIX: prefix, KAFKA_LINGER_MS: '50' } });
    await rig.grantAll();
    await rig.waitForSessions(rig.sim.hosts.length);

    const [host] = rig.sim.hosts;
    expect(rig.sim.faults.sendMalformed(host, 'oversized')).toBe(1);
    const report = await rig.sim.load({ eventsPerSecond: 200, durationMs: 2_000 });

    const statuses = await readTopic(
      kafkaBrokers,
      rig.topics.deviceStatus,
      (read) =>
        new Set(read.map(seqOf).filter((seq) => seq !== undefined)).size >= report.framesSent,
    );
    expect(new Set(statuses.map(seqOf).filter((seq) => seq !== undefined)).size).toBe(
      report.framesSent,
    );

    const [parked] = await readTopic(kafkaBrokers, rig.topics.parked, (read) => read.length >= 1);
    expect(validateAgainstAsyncApi(rig.topics.parked, parked)).toEqual([]);
    const { reason, record } = parked.value as ParkedValue;
    expect(reason).toBe('record_too_large');
    expect(record).toMatchObject({ topic: rig.topics.deadLetter, key: host, truncated: true });
    expect(record.value).toMatch(/^\{"type":"dead-letter\.v1",.*"reason":"not_json"/);
    expect(record.value).toContain('"raw":"{\\"event\\":\\"Shelly:StatusOnChange\\"');
    // The dead letter itself was already cut from the 2 MiB frame to 64 KiB.
    expect(record.valueBytes).toBeGreaterThan(DEAD_LETTER_TOPIC_LIMIT_BYTES);
    expect(record.valueBytes).toBeLessThanOrEqual(64 * 1024);
    expect(
      await metricValue(
        rig.service.managementUrl,
        'shelly_ingest_records_parked_total',
        'origin="buffer",reason="record_too_large"',
      ),
    ).toBe(1);
  }, 120_000);
});
