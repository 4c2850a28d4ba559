import { randomUUID } from 'node:crypto';
import { LATEST_STATE_TYPE } from '../../src/latest-state/latest-state';
import pino from 'pino';
import { ConsentChange } from '../../src/consent/consent';
import { AccountChange } from '../../src/accounts/linked-account';
import { ConsentEvent } from '../../src/consent/consent-event';
import { DeadLetter, deadLetter, deadLetterReasons } from '../../src/ingest/dead-letter';
import { topicKeyFor } from '../../src/ingest/event-topics';
import { DeviceEvent, DeviceEventType, DeviceStatusEvent } from '../../src/normalize/device-event';
import {
  Measurement,
  Metric,
  addMeasurement,
  components,
  coverStates,
  metricUnits,
} from '../../src/normalize/measurement';
import { FrameContext, normalizeFrame } from '../../src/normalize/normalize-frame';
import { rejectReasons } from '../../src/normalize/reject-reason';
import { OutgoingEvent, recordHeaders } from '../../src/publish/event-publisher';
import { eventSources, sessionSource } from '../../src/publish/event-sources';
import { ParkedRecord, parkedRecord } from '../../src/publish/poison-records';
import { KafkaEventPublisher } from '../../src/publish/kafka-event.publisher';
import { createKafka } from '../../src/publish/kafka.client';
import { ensureTopics } from '../../src/publish/topic-admin';
import { partnerTopicNames, Topics, topicNames } from '../../src/config/topics';
import { advanceDeviceState } from '../../src/simulator/device-state';
import { deviceModels } from '../../src/simulator/device-models';
import { buildFleet } from '../../src/simulator/fleet';
import {
  malformedFrame,
  onlineFrame,
  settingsFrame,
  statusFrame,
} from '../../src/simulator/frames';
import { seededRandom } from '../../src/simulator/seeded-random';
import {
  cloudStatus,
  deviceSettings,
  partialCloudStatus,
  SimulatedDevice,
} from '../../src/simulator/simulated-device';
import { RunningService, startService } from '../support/app';
import {
  asyncApiContract,
  ContractRecord,
  eventTypesOf,
  validateAgainstAsyncApi,
} from '../support/asyncapi-contract';
import { callbackBody, callbackPublicKeyPem, sendCallback } from '../support/consent-callbacks';
import { ReadMessage, readTopic } from '../support/kafka-reader';
import { requireServices, testConfig } from '../support/services';

type Json = Record<string, unknown>;

/** The parts of the AsyncAPI document these tests read. */
interface Ref {
  $ref: string;
}
interface AsyncApiDocument {
  asyncapi: string;
  servers: Record<string, { protocol: string }>;
  channels: Record<string, { address: string; description: string; messages: Record<string, Ref> }>;
  operations: Record<string, { action: string; channel: Ref; messages: Ref[] }>;
  components: {
    messages: Record<
      string,
      {
        examples?: {
          headers: Record<string, string>;
          payload: Json & { source?: Json; record?: Json; account?: Json };
        }[];
      }
    >;
    schemas: Record<string, { enum?: string[] }>;
  };
}

const NOW = Date.UTC(2025, 2, 2, 10, 15);
const HOSTS = ['shelly-103-eu.shelly.cloud', 'shelly-77-eu.shelly.cloud'];

/** Every event type the code produces; `satisfies` fails the type check when the code adds one. */
const deviceEventTypes = Object.keys({
  'device.status.v1': true,
  'device.online.v1': true,
  'device.settings.v1': true,
} satisfies Record<DeviceEventType, true>) as DeviceEventType[];
const consentEventTypes = Object.keys({
  granted: true,
  updated: true,
  scope_changed: true,
  revoked: true,
} satisfies Record<ConsentChange, true>).map(
  (change) => `consent.${change}.v1`,
) as ConsentEvent['type'][];
const accountEventTypes = Object.keys({
  linked: true,
  relink_required: true,
  unlinked: true,
} satisfies Record<AccountChange, true>).map((change) => `account.${change}.v1`);
const deadLetterType: DeadLetter['type'] = 'dead-letter.v1';
const parkedType: ParkedRecord['type'] = 'parked.v1';
const DEAD_LETTER_MAX_BYTES = 64 * 1024;
/** Produced by the control API (test/control/command-audit.spec.ts checks real records). */
const commandAuditType = 'command.audit.v1';

/** One value of the right kind per metric; `satisfies` fails the type check when a metric is added. */
const sampleValues = {
  output: true,
  power: -41.7,
  apparent_power: 45.2,
  reactive_power: -12.5,
  voltage: 230.1,
  current: 0.18,
  frequency: 50,
  power_factor: 0.93,
  energy: 1234.5,
  returned_energy: 12,
  temperature: 21.4,
  target_temperature: 22,
  humidity: 48.2,
  illuminance: 320,
  brightness: 80,
  gain: 100,
  position: 50,
  percent: 12.5,
  battery: 87,
  red: 255,
  green: 0,
  blue: 128,
  white: 10,
  color_temp: 3000,
  state: 'stopped',
  open: true,
  vibration: false,
  motion: true,
  alarm: false,
  external_power: true,
  online: true,
  tilt: 12,
  battery_voltage: 5.9,
  rssi: -61,
  last_updated: 1740910101,
} satisfies Record<Metric, number | boolean | string>;
const metrics = Object.keys(metricUnits) as Metric[];

function contextFor(host: string, overrides: Partial<FrameContext> = {}): FrameContext {
  return {
    host,
    api: 'integrator',
    receivedAt: new Date(NOW),
    newEventId: randomUUID,
    includeRawStatus: false,
    ...overrides,
  };
}

/** The events of one frame, failing loudly if the frame did not become events. */
function eventsOf(frame: string, context: FrameContext): DeviceEvent[] {
  const result = normalizeFrame(frame, context);
  if (result.kind !== 'events') throw new Error(`${frame} gave ${JSON.stringify(result)}`);
  return result.events;
}

/** What the service hands its publisher for a device event: topic by type, keyed by device id. */
function outgoing(topics: Topics, event: DeviceEvent): OutgoingEvent {
  return {
    topic: topics[topicKeyFor(event.type)],
    key: event.device.id,
    type: event.type,
    id: event.id,
    source: sessionSource(event.source.api, event.source.host),
    time: event.time,
    partner: event.partner,
    value: JSON.stringify(event),
  };
}

/** The consent step of the ingest pipeline fills the partner of every published device event. */
function ofPartner<Event extends DeviceEvent>(event: Event, partner = 'acme-energy'): Event {
  event.partner = partner;
  return event;
}

/**
 * The CloudEvents source the service gives an event: its session's when the body names one, else
 * that of the input its type comes through (consent events here: callbacks).
 */
function sourceOf(value: Json): string {
  const source = value.source as { api: string; host: string } | undefined;
  if (source) return sessionSource(source.api, source.host);
  if (value.type === parkedType) return eventSources.parking;
  if (value.type === commandAuditType) return eventSources.controlApi;
  return eventSources.consentCallback;
}

/**
 * A record as a consumer reads it, with the headers the service's `recordHeaders` gives it, for
 * checks that need no broker; `headers` replace some of them (undefined: leave it out).
 */
function record(
  key: string,
  value: Json,
  headers: Record<string, string | undefined> = {},
): ContractRecord {
  const event: OutgoingEvent = {
    topic: 'any',
    key,
    type: value.type as string,
    id: value.id as string,
    source: sourceOf(value),
    time: value.time as string,
    partner: typeof value.partner === 'string' ? value.partner : null,
    value: JSON.stringify(value),
  };
  return { key, headers: { ...recordHeaders(event), ...headers }, value: event.value };
}

/** The dead letter the ingest pipeline makes of a rejected frame, keyed by host as it does. */
function deadLetterOf(frame: string, host: string): { key: string; value: Json } {
  const result = normalizeFrame(frame, contextFor(host));
  if (result.kind !== 'rejected') throw new Error(`${frame} was not rejected`);
  const letter = deadLetter(
    result,
    frame,
    { id: randomUUID(), receivedAt: new Date(NOW), source: { api: 'integrator', host } },
    DEAD_LETTER_MAX_BYTES,
  );
  return { key: host, value: { ...letter } };
}

/** Frames the simulator sends for one device: full and partial statuses, online flags, settings. */
function simulatorFrames(device: SimulatedDevice): { frame: string; context: FrameContext }[] {
  const { identity, model, host } = device;
  const full = statusFrame(identity.deviceId, cloudStatus(device, NOW));
  const later = NOW + 60_000;
  const parts = advanceDeviceState(device.state, later, seededRandom(5));
  const partial = statusFrame(identity.deviceId, partialCloudStatus(device, parts, later));
  // The same status as an RTE frame names the device with {id, code, gen}.
  const { deviceId, ...rest } = JSON.parse(full) as Json;
  const rte = JSON.stringify({
    ...rest,
    device: { id: deviceId, code: model.code, gen: model.gen },
  });
  return [
    { frame: full, context: contextFor(host) },
    { frame: full, context: contextFor(host, { includeRawStatus: true }) },
    {
      frame: rte,
      context: contextFor(host, { api: 'rte', account: '6550', includeRawStatus: true }),
    },
    { frame: partial, context: contextFor(host, { receivedAt: new Date(later) }) },
    { frame: onlineFrame(identity.deviceId, false), context: contextFor(host) },
    { frame: onlineFrame(identity.deviceId, true), context: contextFor(host) },
    { frame: settingsFrame(identity.deviceId, deviceSettings(device)), context: contextFor(host) },
  ];
}

/** The channel id of a partner's own topic of `key` (a key of `partnerTopicNames()`). */
function partnerChannelId(key: string): string {
  return `partner${key[0].toUpperCase()}${key.slice(1)}`;
}

/** The addresses of the partner channels, as the service names a partner's topics. */
function partnerChannelAddresses(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(partnerTopicNames('', '{partnerId}')).map(([key, address]) => [
      partnerChannelId(key),
      address,
    ]),
  );
}

describe('the AsyncAPI document (src/publish/asyncapi.yaml)', () => {
  const contract = asyncApiContract();
  const document = contract.document as unknown as AsyncApiDocument;

  it('is AsyncAPI 3.0.0 with a kafka server, one channel per topic and a send operation each', () => {
    expect(document.asyncapi).toBe('3.0.0');
    expect(Object.values(document.servers).map((server) => server.protocol)).toEqual(['kafka']);
    expect(
      Object.fromEntries(Object.entries(document.channels).map(([id, c]) => [id, c.address])),
    ).toEqual({ ...topicNames(''), ...partnerChannelAddresses() });
    for (const [id, channel] of Object.entries(document.channels)) {
      expect(channel.description).toContain('KAFKA_TOPIC_PREFIX');
      const operations = Object.values(document.operations).filter(
        (operation) => operation.channel.$ref === `#/channels/${id}`,
      );
      expect(operations.map((operation) => operation.action)).toEqual(['send']);
      // AsyncAPI 3: an operation's messages must be messages of its channel.
      expect(operations[0].messages.map((m) => m.$ref).sort()).toEqual(
        Object.keys(channel.messages)
          .map((messageId) => `#/channels/${id}/messages/${messageId}`)
          .sort(),
      );
    }
  });

  it('has a message for every event type the code produces, on the topic the code sends it to', () => {
    const produced: Record<string, keyof Topics> = {
      ...Object.fromEntries(deviceEventTypes.map((type) => [type, topicKeyFor(type)])),
      ...Object.fromEntries(consentEventTypes.map((type) => [type, 'consent'])),
      ...Object.fromEntries(accountEventTypes.map((type) => [type, 'consent'])),
      [deadLetterType]: 'deadLetter',
      [parkedType]: 'parked',
      [commandAuditType]: 'commandAudit',
      [LATEST_STATE_TYPE]: 'deviceState',
    };
    const documented = Object.fromEntries(
      Object.keys(topicNames('')).flatMap((channel) =>
        eventTypesOf(channel).map((type) => [type, channel]),
      ),
    );
    expect(documented).toEqual(produced);
    // A partner's own topics carry what the shared topics of the same name carry.
    for (const key of Object.keys(partnerTopicNames('', 'acme'))) {
      expect(eventTypesOf(partnerChannelId(key))).toEqual(eventTypesOf(key));
    }
  });

  it('enumerates the measurement vocabulary and the reject reasons exactly as the code does', () => {
    const { schemas } = document.components;
    expect(schemas.Component.enum).toEqual([...components]);
    expect(schemas.Metric.enum).toEqual(metrics);
    expect([...(schemas.Unit.enum ?? [])].sort()).toEqual(
      [...new Set(Object.values(metricUnits).filter((unit) => unit !== null))].sort(),
    );
    expect(schemas.CoverState.enum).toEqual([...coverStates]);
    expect(schemas.RejectReason.enum).toEqual([...deadLetterReasons]);
  });

  it('ties every metric to the unit addMeasurement gives it and to its kind of value', () => {
    const measurement = contract.schema('Measurement');
    const problemsOf = (value: Measurement | Json) =>
      measurement(value) ? [] : (measurement.errors ?? []).map((e) => e.message);
    for (const metric of metrics) {
      const built: Measurement[] = [];
      addMeasurement(built, 'switch', 0, metric, sampleValues[metric]);
      expect([metric, problemsOf(built[0])]).toEqual([metric, []]);

      const unit = metricUnits[metric];
      const { unit: _unit, ...withoutUnit } = built[0];
      if (unit === null) {
        expect(measurement({ ...built[0], unit: 'W' })).toBe(false);
      } else {
        expect(measurement(withoutUnit)).toBe(false);
        expect(measurement({ ...built[0], unit: unit === 'V' ? 'A' : 'V' })).toBe(false);
      }
      const wrongKind = typeof sampleValues[metric] === 'number' ? true : 7;
      expect([metric, measurement({ ...built[0], value: wrongKind })]).toEqual([metric, false]);
    }
    const input: Measurement[] = [];
    addMeasurement(input, 'input', 2, 'state', true);
    expect(problemsOf(input[0])).toEqual([]);
    expect(measurement({ ...input[0], value: 'half-open' })).toBe(false);
  });

  it('accepts the examples it gives', () => {
    const { messages } = document.components;
    let checked = 0;
    for (const [channel, spec] of Object.entries(document.channels)) {
      for (const { $ref } of Object.values(spec.messages)) {
        const message = messages[$ref.split('/').pop() as string];
        for (const example of message.examples ?? []) {
          const device = example.payload.device as Json | undefined;
          const key = String(
            device?.id ??
              example.payload.source?.host ??
              example.payload.record?.key ??
              example.payload.account?.id,
          );
          expect(
            validateAgainstAsyncApi(channel, {
              key,
              headers: example.headers,
              value: example.payload,
            }),
          ).toEqual([]);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(Object.keys(document.channels).length);
  });

  it('accepts the dead letter of a frame for every reject reason', () => {
    const [host] = HOSTS;
    const [device] = buildFleet({ count: 1 }, HOSTS, seededRandom(3), NOW);
    const id = device.identity.deviceId;
    const frames = [
      ...(['not-json', 'missing-event', 'missing-device-id', 'wrong-types'] as const).map(
        (kind) => malformedFrame(kind, id) as string,
      ),
      '[1,2]',
      `{"event":"Shelly:StatusOnChange","deviceId":"${id}","status":${'['.repeat(80)}${']'.repeat(80)}}`,
      '{"event":"Shelly:Online","deviceId":"not-an-id","online":1}',
      `{"event":"Shelly:StatusOnChange","deviceId":"${id}","status":{"switch:0":{"apower":1e400}}}`,
      `{"event":"Shelly:Online","device":{"id":"${id}","code":"SNSW-001P16EU","gen":"G9"},"online":1}`,
    ];
    const letters = frames.map((frame) => deadLetterOf(frame, host));
    expect(new Set(letters.map((letter) => letter.value.reason))).toEqual(new Set(rejectReasons));
    const tooLarge = deadLetter(
      { reason: 'frame_too_large', detail: 'too large' },
      frames[0].repeat(1_000),
      { id: randomUUID(), receivedAt: new Date(NOW), source: { api: 'integrator', host } },
      DEAD_LETTER_MAX_BYTES,
    );
    expect(tooLarge.truncated).toBe(true);
    letters.push({ key: host, value: { ...tooLarge } });
    for (const letter of letters) {
      expect(validateAgainstAsyncApi('deadLetter', record(letter.key, letter.value))).toEqual([]);
    }
    // Keyed by the device when its id could be read.
    const keyed = { ...letters[0].value, id: randomUUID() };
    expect(validateAgainstAsyncApi('dead-letter', record(device.identity.id, keyed))).toEqual([]);
    expect(validateAgainstAsyncApi('dead-letter', record('Not A Key', keyed))).toEqual([
      'key: "Not A Key" is neither a device id nor the payload\'s source.host',
    ]);
    // Dead letters belong to no partner.
    expect(
      validateAgainstAsyncApi('dead-letter', record(host, keyed, { 'partner-id': 'acme' })),
    ).toEqual([
      'headers: must NOT be valid',
      'payload: partner undefined differs from partner-id header "acme"',
    ]);
  });

  it('accepts the parked records of a refused dead letter and of a refused device event', () => {
    const [host] = HOSTS;
    const topics = topicNames('prod.');
    const letter = deadLetterOf('not json'.repeat(2_000), host);
    const refusedLetter: OutgoingEvent = {
      topic: topics.deadLetter,
      key: letter.key,
      type: deadLetterType,
      id: letter.value.id as string,
      source: sessionSource('integrator', host),
      time: letter.value.time as string,
      partner: null,
      value: JSON.stringify(letter.value),
    };
    const [device] = buildFleet({ count: 1 }, HOSTS, seededRandom(3), NOW);
    const [status] = eventsOf(
      statusFrame(device.identity.deviceId, cloudStatus(device, NOW)),
      contextFor(host),
    );
    const refusal = { reason: 'record_too_large', problem: 'too large' } as const;
    for (const refused of [refusedLetter, outgoing(topics, ofPartner(status))]) {
      const parked = parkedRecord(refused, refusal, {
        id: randomUUID(),
        time: new Date(NOW),
        topic: topics.parked,
      });
      const value = JSON.parse(parked.value!) as Json;
      expect(validateAgainstAsyncApi(topics.parked, record(parked.key, value))).toEqual([]);
    }
  });

  it('accepts command audit records in the shape specified for command.audit.v1', () => {
    const base = {
      type: commandAuditType,
      time: new Date(NOW).toISOString(),
      partner: 'acme-energy',
      device: { id: 'cc7b5c0c5d9c' },
      command: { type: 'relay', channel: 0, action: 'on' },
    };
    const audits: Json[] = [
      {
        apiKeyId: 'key-1',
        decision: 'allowed',
        errorCode: null,
        consentScope: 'control',
        trid: 41,
        outcome: 'ok',
        latencyMs: 212.4,
      },
      {
        apiKeyId: 'key-2',
        decision: 'denied',
        errorCode: 'consent_read_only',
        consentScope: 'read',
        trid: null,
        outcome: 'denied',
        latencyMs: 1,
      },
      {
        partner: null,
        apiKeyId: null,
        decision: 'denied',
        errorCode: 'no_consent',
        consentScope: null,
        trid: null,
        outcome: 'denied',
        latencyMs: 0,
      },
      {
        apiKeyId: 'key-1',
        decision: 'allowed',
        errorCode: 'command_timeout',
        consentScope: 'control',
        trid: 42,
        outcome: 'timeout',
        latencyMs: 10000,
      },
    ].map((fields) => ({ ...base, id: randomUUID(), ...fields }));
    for (const audit of audits) {
      expect(validateAgainstAsyncApi('commandAudit', record('cc7b5c0c5d9c', audit))).toEqual([]);
    }
    const [ofAcme, , ofNoPartner] = audits;
    expect(
      validateAgainstAsyncApi(
        'p.partner.acme-energy.command-audit',
        record('cc7b5c0c5d9c', ofAcme),
      ),
    ).toEqual([]);
    expect(
      validateAgainstAsyncApi(
        'commandAudit',
        record('cc7b5c0c5d9c', ofNoPartner, { 'partner-id': 'acme-energy' }),
      ),
    ).toEqual(['payload: partner null differs from partner-id header "acme-energy"']);
    expect(
      validateAgainstAsyncApi(
        'p.partner.acme-energy.command-audit',
        record('cc7b5c0c5d9c', ofNoPartner),
      ),
    ).toEqual(['payload: partner null on the topic of partner "acme-energy"']);
    expect(
      validateAgainstAsyncApi(
        'commandAudit',
        record('cc7b5c0c5d9c', { ...audits[0], outcome: 'maybe', trid: '41' }),
      ),
    ).toEqual([
      'payload/trid: must be integer,null',
      'payload/outcome: must be equal to one of the allowed values ["ok","refused","timeout","denied","error"]',
    ]);
  });

  it('catches broken records, so the checks on real records cannot pass vacuously', () => {
    const [device] = buildFleet(
      { count: 1, models: ['SNSW-001P16EU'] },
      HOSTS,
      seededRandom(4),
      NOW,
    );
    const [status] = eventsOf(
      statusFrame(device.identity.deviceId, cloudStatus(device, NOW)),
      contextFor(device.host),
    );
    const event: Json = { ...ofPartner(status, 'acme') };
    const key = device.identity.id;
    const check = (
      value: Json,
      headers: Record<string, string | undefined> = {},
      recordKey = key,
    ) => validateAgainstAsyncApi('deviceStatus', record(recordKey, value, headers));

    expect(check(event)).toEqual([]);
    const { measurements: _measurements, ...withoutMeasurements } = event;
    expect(check(withoutMeasurements)).toEqual([
      "payload: must have required property 'measurements'",
    ]);
    expect(check({ ...event, extra: 1 })).toEqual([
      'payload: must NOT have additional properties "extra"',
    ]);
    const source = event.source as Json;
    expect(check({ ...event, source: { ...source, account: 'acct-6550' } })).toEqual([
      'payload/source/account: must match pattern "^[0-9]{1,20}$"',
    ]);
    expect(check(event, { 'content-type': 'text/plain' })).toEqual([
      'headers/content-type: must be equal to constant "application/json"',
    ]);
    expect(check(event, { ce_id: randomUUID() })).toEqual([
      expect.stringMatching(/^payload: id ".*" differs from ce_id header ".*"$/),
    ]);
    expect(check(event, { ce_id: undefined })).toEqual([
      "headers: must have required property 'ce_id'",
    ]);
    expect(check(event, { ce_specversion: '0.3' })).toEqual([
      'headers/ce_specversion: must be equal to constant "1.0"',
    ]);
    expect(check(event, { ce_time: '2025-03-02T11:15:00.000+01:00' })).toEqual([
      'headers/ce_time: must match pattern "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$"',
      `payload: time "${String(event.time)}" differs from ce_time header "2025-03-02T11:15:00.000+01:00"`,
    ]);
    expect(check(event, { ce_time: '2025-03-02T10:15:01.000Z' })).toEqual([
      `payload: time "${String(event.time)}" differs from ce_time header "2025-03-02T10:15:01.000Z"`,
    ]);
    expect(check(event, { ce_source: eventSources.controlApi })).toEqual([
      'headers/ce_source: must match pattern "^urn:shelly-ingest:(integrator|rte):[A-Za-z0-9._~%-]+$"',
      `headers: ce_source "${eventSources.controlApi}" is not "${sessionSource('integrator', device.host)}", the payload's source`,
    ]);
    expect(check(event, { ce_source: sessionSource('rte', device.host) })).toEqual([
      `headers: ce_source "${sessionSource('rte', device.host)}" is not "${sessionSource('integrator', device.host)}", the payload's source`,
    ]);
    expect(check(event, { ce_subject: 'aabbccddeeff' })).toEqual([
      `headers: ce_subject "aabbccddeeff" is not the key "${key}"`,
    ]);
    expect(check(event, { 'event-id': event.id as string })).toEqual([
      'headers: must NOT have additional properties "event-id"',
    ]);
    expect(check(event, { 'partner-id': undefined })).toEqual([
      "headers: must have required property 'partner-id'",
      'payload: partner "acme" differs from partner-id header undefined',
    ]);
    expect(check(event, { 'partner-id': 'globex' })).toEqual([
      'payload: partner "acme" differs from partner-id header "globex"',
    ]);
    expect(check({ ...event, partner: null }, { 'partner-id': undefined })).toEqual([
      "headers: must have required property 'partner-id'",
      'payload/partner: must be string',
    ]);
    expect(validateAgainstAsyncApi('p.partner.acme.device-status', record(key, event))).toEqual([]);
    expect(validateAgainstAsyncApi('p.partner.globex.device-status', record(key, event))).toEqual([
      'payload: partner "acme" on the topic of partner "globex"',
    ]);
    expect(check(event, { traceparent: '00-abc' })).toEqual([
      'headers: must NOT have additional properties "traceparent"',
    ]);
    expect(check({ ...event, type: 'device.online.v1' }, { ce_type: 'device.online.v1' })).toEqual([
      'headers: ce_type "device.online.v1" is not a message of channel deviceStatus ' +
        '(expected one of device.status.v1); it belongs to channel deviceOnline',
    ]);
    expect(check(event, {}, key.toUpperCase())).toEqual([
      'key: must match pattern "^(?:[0-9a-f]{12}|[0-9a-f]{6}|X[!-~]+)$"',
      `key: "${key.toUpperCase()}" is not the payload's device.id "${key}"`,
    ]);
    const badMeasurements = [
      { component: 'switch', channel: 0, metric: 'watts', unit: 'W', value: 1 },
      { component: 'switch', channel: 0, metric: 'power', value: 1 },
      { component: 'switch', channel: 0, phase: 'a', metric: 'power', unit: 'W', value: 1 },
      { component: 'cover', channel: 0, metric: 'position', unit: '%', value: -1 },
    ];
    expect(check({ ...event, measurements: badMeasurements })).toEqual([
      'payload/measurements/0/metric: must be equal to one of the allowed values ' +
        JSON.stringify(metrics),
      "payload/measurements/1: must have required property 'unit'",
      'payload/measurements/2/component: must be equal to constant "em"',
      'payload/measurements/3/value: must be >= 0',
    ]);
    expect(
      validateAgainstAsyncApi('deviceStatus', {
        key,
        headers: record(key, event).headers,
        value: '{',
      }),
    ).toEqual([expect.stringMatching(/^value: not JSON/)]);
    const granted = {
      type: 'consent.granted.v1',
      id: randomUUID(),
      time: new Date(NOW).toISOString(),
      partner: 'acme',
      device: { id: key, type: null, code: null },
      owner: 1,
      scope: null,
      previousScope: null,
      host: HOSTS[0],
      names: [],
    };
    expect(validateAgainstAsyncApi('consent', record(key, granted))).toEqual([
      'payload/scope: must be string',
      'payload/scope: must be equal to one of the allowed values ["read","control"]',
    ]);
  });
});

describe('records on a real Kafka broker against the AsyncAPI document', () => {
  const { databaseUrl, kafkaBrokers } = requireServices();
  const logger = pino({ level: 'silent' });

  /** Publishes with the service's own Kafka client and publisher on fresh topics; answers the topics. */
  async function publishFresh(events: OutgoingEvent[] | ((topics: Topics) => OutgoingEvent[])) {
    const config = testConfig(databaseUrl);
    const kafka = createKafka(config.kafka, logger);
    await ensureTopics(kafka, config.kafka, logger);
    const topics = config.kafka.topics;
    const publisher = new KafkaEventPublisher(kafka, config.kafka.compression);
    await publisher.onModuleInit();
    try {
      await publisher.publish(typeof events === 'function' ? events(topics) : events);
    } finally {
      await publisher.onApplicationShutdown();
    }
    return topics;
  }

  function readAll(topic: string, count: number): Promise<ReadMessage[]> {
    return readTopic(kafkaBrokers, topic, (messages) => messages.length >= count);
  }

  it('publishes conforming device events for every simulator model', async () => {
    const fleet = buildFleet({ count: deviceModels.length }, HOSTS, seededRandom(11), NOW);
    expect(new Set(fleet.map((device) => device.model.code)).size).toBe(deviceModels.length);
    const events = fleet.flatMap((device) =>
      simulatorFrames(device).flatMap(({ frame, context }) => eventsOf(frame, context)),
    );
    // The consent step fills the partner, and the owner; give the RTE events one, so that shape is
    // covered too.
    for (const event of events) {
      ofPartner(event);
      if (event.source.api === 'rte') event.device.owner = 48213;
    }
    for (const device of fleet) {
      const full = events.find(
        (event) => event.device.id === device.identity.id && event.type === 'device.status.v1',
      );
      expect([device.model.code, (full as DeviceStatusEvent).measurements.length > 0]).toEqual([
        device.model.code,
        true,
      ]);
    }

    const topics = await publishFresh((t) => events.map((event) => outgoing(t, event)));

    const sent = new Map(events.map((event) => [event.id, event]));
    const failures: unknown[] = [];
    let read = 0;
    for (const type of deviceEventTypes) {
      const topic = topics[topicKeyFor(type)];
      const expected = events.filter((event) => event.type === type).length;
      const messages = await readAll(topic, expected);
      expect([type, messages.length]).toEqual([type, expected]);
      for (const message of messages) {
        const problems = validateAgainstAsyncApi(topic, message);
        if (problems.length > 0) failures.push({ topic, key: message.key, problems });
        expect(message.value).toEqual(
          JSON.parse(JSON.stringify(sent.get(message.headers.ce_id as string))),
        );
        read += 1;
      }
    }
    expect(failures).toEqual([]);
    expect(read).toBe(events.length);
  });

  it('fails records that break the contract after the trip through Kafka', async () => {
    const [device] = buildFleet({ count: 1, models: ['SHEM-3'] }, HOSTS, seededRandom(12), NOW);
    const [event] = eventsOf(
      statusFrame(device.identity.deviceId, cloudStatus(device, NOW)),
      contextFor(device.host),
    ).map((built) => ofPartner(built));
    const { measurements: _measurements, ...broken } = event as DeviceStatusEvent;
    const topics = await publishFresh((t) => [
      { ...outgoing(t, event), value: JSON.stringify(broken) },
      { ...outgoing(t, event), id: randomUUID(), type: 'device.online.v1' },
    ]);
    const messages = await readAll(topics.deviceStatus, 2);
    expect(messages.map((message) => validateAgainstAsyncApi('deviceStatus', message))).toEqual([
      ["payload: must have required property 'measurements'"],
      [
        'headers: ce_type "device.online.v1" is not a message of channel deviceStatus ' +
          '(expected one of device.status.v1); it belongs to channel deviceOnline',
        'payload: type "device.status.v1" differs from ce_type header "device.online.v1"',
        `payload: id "${event.id}" differs from ce_id header "${messages[1].headers.ce_id}"`,
      ],
    ]);
  });

  describe('consent events of a running service', () => {
    let service: RunningService;

    beforeAll(async () => {
      service = await startService({ SHELLY_CONSENT_PUBLIC_KEY: callbackPublicKeyPem });
    });

    afterAll(async () => {
      await service.stop();
    });

    it('publishes conforming consent events for grant, update, scope change and revoke', async () => {
      const fleet = buildFleet(
        { devices: [{ model: 'SHSW-1' }, { model: 'SNSW-001P16EU' }] },
        HOSTS,
        seededRandom(13),
        NOW,
      );
      const url = `${service.url}/v1/shelly/consent`;
      const bodyFor = (device: SimulatedDevice, overrides: Parameters<typeof callbackBody>[0]) =>
        callbackBody({
          deviceId: device.identity.deviceId,
          deviceType: device.model.code,
          deviceCode: device.model.code,
          host: device.host,
          name: [device.identity.name],
          ...overrides,
        });
      const [small, plus] = fleet;
      const steps: [SimulatedDevice, Parameters<typeof callbackBody>[0], string][] = [
        [small, { accessGroups: '00' }, 'granted'],
        [small, { accessGroups: '00', name: ['Porch'] }, 'updated'],
        [small, { accessGroups: '01', name: ['Porch'] }, 'scope_changed'],
        [small, { action: 'remove', name: ['Porch'] }, 'revoked'],
        [plus, { accessGroups: '01', name: [] }, 'granted'],
      ];
      for (const [device, overrides, change] of steps) {
        const answer = await sendCallback(url, 'ITG_TEST', bodyFor(device, overrides));
        expect(answer).toEqual({ status: 200, body: { status: 'ok', change } });
      }

      const topic = service.config.kafka.topics.consent;
      const messages = await readAll(topic, steps.length);
      // Order holds per key (partition), not across keys.
      for (const device of fleet) {
        expect(
          messages
            .filter((message) => message.key === device.identity.id)
            .map((message) => message.headers.ce_type),
        ).toEqual(
          steps
            .filter(([stepDevice]) => stepDevice === device)
            .map(([, , change]) => `consent.${change}.v1`),
        );
      }
      expect(small.identity.id).toHaveLength(6);
      expect(plus.identity.id).toHaveLength(12);
      expect(messages.map((message) => validateAgainstAsyncApi(topic, message))).toEqual(
        steps.map(() => []),
      );
      expect(new Set(messages.map((message) => message.headers.ce_type))).toEqual(
        new Set(consentEventTypes),
      );
    });
  });
});
