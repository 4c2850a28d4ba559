import { randomUUID } from 'node:crypto';
import { CloudEvent, Kafka as CloudEventsKafka, type KafkaMessage } from 'cloudevents';
import type { KafkaMessage as ConsumedRecord } from 'kafkajs';
import { RecordParking } from '../../src/publish/poison-records';
import { ControlRig, startControlRig } from '../support/control';
import { readRawTopic } from '../support/kafka-reader';
import { requireServices } from '../support/services';

const { kafkaBrokers } = requireServices();

/** The CloudEvents attributes every record carries, as `ce_` headers. */
const ATTRIBUTE_HEADERS = [
  'ce_id',
  'ce_source',
  'ce_specversion',
  'ce_subject',
  'ce_time',
  'ce_type',
].sort();
/** A timestamp of RFC 3339 (section 5.6): `date-time`, with a UTC offset or Z. */
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

interface Body {
  type: string;
  id: string;
  time: string;
}

/**
 * What a consumer with the CloudEvents JS SDK makes of a record: the header values and key as text,
 * the value as the bytes read, then the SDK's Kafka binding. Answers the event, checked against the
 * CloudEvents schema (`validate` throws on a missing or malformed attribute), and the raw headers.
 */
function readAsCloudEvent(record: ConsumedRecord): {
  event: CloudEvent<Body>;
  headers: Record<string, string>;
  key: string;
} {
  const headers = Object.fromEntries(
    Object.entries(record.headers ?? {}).map(([name, value]) => [name, String(value)]),
  );
  const key = record.key?.toString('utf8') ?? '';
  // The SDK's type asks for `body` too (its own messages carry the value twice); it reads `value`.
  const message: KafkaMessage<Buffer | null> = {
    key,
    value: record.value,
    body: record.value,
    headers,
    timestamp: record.timestamp,
  };
  expect(CloudEventsKafka.isEvent(message)).toBe(true);
  const event = CloudEventsKafka.toEvent(message) as CloudEvent<Body>;
  expect(Array.isArray(event)).toBe(false);
  expect(event.validate()).toBe(true);
  return { event, headers, key };
}

describe('records on a real Kafka broker, read with the CloudEvents SDK', () => {
  let rig: ControlRig;

  beforeAll(async () => {
    rig = await startControlRig({ models: ['SHSW-1'] });
  });

  afterAll(() => rig?.stop());

  it('are CloudEvents in binary mode whose attributes match the event in the value', async () => {
    const [device] = rig.sim.devices;
    const [host] = rig.sim.hosts;
    const { topics } = rig.service.config.kafka;
    expect(rig.sim.emitStatus(device)).toBe(1);
    expect(rig.sim.faults.sendMalformed(host, 'not-json')).toBe(1);
    const toggle = { type: 'relay', channel: 0, action: 'toggle' };
    expect((await rig.command(device.identity.id, toggle)).status).toBe(200);
    // The service's own parking, with a refusal handed to it: the poison record tests make Kafka
    // refuse for real.
    const refused = {
      topic: topics.deviceStatus,
      key: device.identity.id,
      type: 'device.status.v1',
      id: randomUUID(),
      source: `urn:shelly-ingest:integrator:${host}`,
      time: new Date().toISOString(),
      partner: 'default',
      value: '{"type":"device.status.v1"}',
    };
    await rig.service.app
      .get(RecordParking)
      .park(refused, { reason: 'record_too_large', problem: 'too large' }, 'buffer');

    const expected = [
      { topic: topics.deviceStatus, source: `urn:shelly-ingest:integrator:${host}` },
      { topic: topics.consent, source: 'urn:shelly-ingest:consent-callback' },
      { topic: topics.commandAudit, source: 'urn:shelly-ingest:control-api' },
      { topic: topics.deadLetter, source: `urn:shelly-ingest:integrator:${host}` },
      { topic: topics.parked, source: 'urn:shelly-ingest:parking' },
    ];
    for (const { topic, source } of expected) {
      const [record] = await readRawTopic(kafkaBrokers, topic, (read) => read.length >= 1);
      const { event, headers, key } = readAsCloudEvent(record);
      const body = JSON.parse(record.value!.toString('utf8')) as Body;

      expect([
        topic,
        Object.keys(headers)
          .filter((name) => name.startsWith('ce_'))
          .sort(),
      ]).toEqual([topic, ATTRIBUTE_HEADERS]);
      expect({
        topic,
        specversion: event.specversion,
        id: event.id,
        type: event.type,
        source: event.source,
        subject: event.subject,
        datacontenttype: event.datacontenttype,
        partitionkey: event.partitionkey,
        data: event.data,
      }).toEqual({
        topic,
        specversion: '1.0',
        id: body.id,
        type: body.type,
        source,
        subject: key,
        datacontenttype: 'application/json',
        partitionkey: key,
        data: body,
      });
      // The header as sent: RFC 3339, and the event's own time to the character.
      expect([topic, headers.ce_time]).toEqual([topic, body.time]);
      expect(headers.ce_time).toMatch(RFC_3339);
      expect(Date.parse(headers.ce_time)).toBe(Date.parse(body.time));
      expect(event.time).toBe(body.time);
    }
  }, 60_000);
});
