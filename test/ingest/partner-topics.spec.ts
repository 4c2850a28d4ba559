import { Kafka, logLevel } from 'kafkajs';
import { partnerTopicNames, PartnerTopics } from '../../src/config/topics';
import { ApiKeyStore } from '../../src/partners/api-key.store';
import { DEFAULT_PARTNER_ID } from '../../src/partners/partner';
import { PartnerStore } from '../../src/partners/partner.store';
import { SimulatedDevice } from '../../src/simulator/simulated-device';
import { validateAgainstAsyncApi } from '../support/asyncapi-contract';
import { eventually } from '../support/eventually';
import { IngestRig, startIngestRig } from '../support/ingest';
import { grantThrough } from '../support/partner-grants';
import { ReadMessage, readTopic, topicMessageCount } from '../support/kafka-reader';
import { createMigratedDatabase, requireServices } from '../support/services';
import { sql } from '../support/sql';

const { kafkaBrokers } = requireServices();
const HOST = 'shelly-103-eu.shelly.cloud';
const toggle = { type: 'relay', channel: 0, action: 'toggle' };

type DeviceTopicCounts = Pick<PartnerTopics, 'deviceStatus' | 'deviceOnline' | 'deviceSettings'>;
type Counts = { [key in keyof DeviceTopicCounts]: number };

function startRig(env: Record<string, string>, database?: { url: string }): Promise<IngestRig> {
  return startIngestRig({
    simulator: {
      hosts: [HOST],
      fleet: { devices: ['SHSW-1', 'SHSW-1', 'SHSW-1'].map((model) => ({ model, host: HOST })) },
    },
    env: { CONTROL_RATE_PER_KEY: '0', CONTROL_RATE_PER_DEVICE: '0', ...env },
    database,
  });
}

async function controlKey(rig: IngestRig, partnerId: string): Promise<string> {
  const issued = await rig.service.app
    .get(ApiKeyStore)
    .create(`${partnerId} control`, ['control'], { partnerId });
  return issued.key;
}

async function command(rig: IngestRig, deviceId: string, key: string): Promise<number> {
  const response = await fetch(`${rig.service.url}/v1/devices/${deviceId}/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(toggle),
  });
  return response.status;
}

/** A status, an offline and an online frame (which brings a status too), and a settings frame. */
function emitDeviceFrames(rig: IngestRig, device: SimulatedDevice): Counts {
  const sent: Counts = {
    deviceStatus: rig.sim.emitStatus(device),
    deviceOnline: rig.sim.setOnline(device, false),
    deviceSettings: 0,
  };
  const cameOnline = rig.sim.setOnline(device, true);
  sent.deviceOnline += cameOnline;
  sent.deviceStatus += cameOnline;
  sent.deviceSettings = rig.sim.emitSettings(device, { name: `Renamed ${device.identity.id}` });
  return sent;
}

/** Every record of a topic, up to the end it has now. */
async function readWhole(topic: string): Promise<ReadMessage[]> {
  const count = await topicMessageCount(kafkaBrokers, topic);
  return readTopic(kafkaBrokers, topic, (messages) => messages.length >= count);
}

async function waitForRecords(topic: string, count: number): Promise<void> {
  await eventually(
    async () => expect(await topicMessageCount(kafkaBrokers, topic)).toBeGreaterThanOrEqual(count),
    30_000,
  );
}

async function partitionsOf(topics: string[]): Promise<Record<string, number>> {
  const admin = new Kafka({ brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const known = topics.filter((topic) => existing.has(topic));
    // No topics would ask for all of them.
    if (known.length === 0) return {};
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics: known });
    return Object.fromEntries(metadata.map((topic) => [topic.name, topic.partitions.length]));
  } finally {
    await admin.disconnect();
  }
}

function partnerOf(record: ReadMessage): unknown {
  return (record.value as { partner?: unknown }).partner;
}

describe('with KAFKA_TOPIC_PER_PARTNER=true', () => {
  let database: { url: string; drop(): Promise<void> };
  let rig: IngestRig;
  let topicsOf: (partnerId: string) => PartnerTopics;

  beforeAll(async () => {
    database = await createMigratedDatabase();
    await sql(database.url, `INSERT INTO partner (id, name) VALUES ('acme', 'Acme')`);
    rig = await startRig({ KAFKA_TOPIC_PER_PARTNER: 'true' }, database);
    topicsOf = (partnerId) => partnerTopicNames(rig.service.config.kafka.topicPrefix, partnerId);
  }, 60_000);

  afterAll(async () => {
    await rig?.stop();
    await database?.drop();
  });

  it('creates the topics of every partner at start, with the configured partitions', async () => {
    const topics = Object.values(topicsOf('acme'));
    expect(await partitionsOf(topics)).toEqual(Object.fromEntries(topics.map((t) => [t, 3])));
  });

  it("sends each partner's events to its own topics only, and what has no partner to the shared ones", async () => {
    const { sim, service } = rig;
    const shared = service.config.kafka.topics;
    // Created while the service runs: its topics are made before its first event.
    await service.app.get(PartnerStore).create('globex', 'Globex');
    const [ofAcme, ofGlobex, moving] = sim.devices;
    await grantThrough(rig, ofAcme, 'acme');
    await grantThrough(rig, ofGlobex, 'globex');
    await grantThrough(rig, moving, 'acme');
    await grantThrough(rig, moving, 'globex');
    // A host's session opens once one of its devices has consent.
    await rig.waitForSessions(1);
    const sent = { acme: emitDeviceFrames(rig, ofAcme), globex: emitDeviceFrames(rig, ofGlobex) };
    expect(sim.faults.sendMalformed(HOST, 'not-json')).toBe(1);
    expect(await command(rig, ofAcme.identity.id, await controlKey(rig, 'acme'))).toBe(200);
    expect(await command(rig, ofGlobex.identity.id, await controlKey(rig, 'globex'))).toBe(200);
    const admin = await service.app.get(ApiKeyStore).create('ops', ['admin']);
    expect(await command(rig, ofAcme.identity.id, admin.key)).toBe(200);

    const expected = {
      // acme's latest states: its device's, and the tombstone of the device that left it.
      acme: { ...sent.acme, consent: 3, commandAudit: 1, deviceState: 2 },
      globex: { ...sent.globex, consent: 2, commandAudit: 1, deviceState: 1 },
    };
    for (const partnerId of ['acme', 'globex'] as const) {
      for (const [key, count] of Object.entries(expected[partnerId])) {
        await waitForRecords(topicsOf(partnerId)[key as keyof PartnerTopics], count);
      }
    }

    // Both partners' events have arrived on their own topics; now nothing of one may be on the other's.
    for (const partnerId of ['acme', 'globex'] as const) {
      for (const [key, topic] of Object.entries(topicsOf(partnerId))) {
        const records = await readWhole(topic);
        expect(records.length).toBeGreaterThanOrEqual(
          expected[partnerId][key as keyof PartnerTopics],
        );
        for (const record of records) {
          // A tombstone has no body: its header says whose it was.
          const isTombstone = record.value === undefined;
          expect([
            topic,
            isTombstone ? partnerId : partnerOf(record),
            record.headers['partner-id'],
          ]).toEqual([topic, partnerId, partnerId]);
          expect(validateAgainstAsyncApi(topic, record)).toEqual([]);
        }
      }
    }
    const acmeStatesOfMoving = (await readWhole(topicsOf('acme').deviceState)).filter(
      (r) => r.key === moving.identity.id,
    );
    expect(acmeStatesOfMoving.at(-1)?.value).toBeUndefined();
    const consentOf = async (partnerId: string) =>
      (await readWhole(topicsOf(partnerId).consent)).map((r) => [r.key, r.headers.ce_type]);
    expect(await consentOf('acme')).toEqual(
      expect.arrayContaining([
        [ofAcme.identity.id, 'consent.granted.v1'],
        [moving.identity.id, 'consent.granted.v1'],
        [moving.identity.id, 'consent.revoked.v1'],
      ]),
    );
    expect(await consentOf('globex')).toEqual(
      expect.arrayContaining([
        [ofGlobex.identity.id, 'consent.granted.v1'],
        [moving.identity.id, 'consent.granted.v1'],
      ]),
    );
    expect(await partitionsOf(Object.values(topicsOf('globex')))).toEqual(
      Object.fromEntries(Object.values(topicsOf('globex')).map((topic) => [topic, 3])),
    );

    for (const topic of [
      shared.deviceStatus,
      shared.deviceOnline,
      shared.deviceSettings,
      shared.consent,
    ]) {
      expect([topic, await topicMessageCount(kafkaBrokers, topic)]).toEqual([topic, 0]);
    }
    await waitForRecords(shared.commandAudit, 1);
    const audits = await readWhole(shared.commandAudit);
    expect(audits).toHaveLength(1);
    const [byAdmin] = audits;
    expect(partnerOf(byAdmin)).toBeNull();
    expect(byAdmin.headers['partner-id']).toBeUndefined();
    expect(validateAgainstAsyncApi(shared.commandAudit, byAdmin)).toEqual([]);
    await waitForRecords(shared.deadLetter, 1);
    const [letter] = await readWhole(shared.deadLetter);
    expect(letter.headers['partner-id']).toBeUndefined();
    expect(validateAgainstAsyncApi(shared.deadLetter, letter)).toEqual([]);
  });
});

describe('with the shared topics (the default)', () => {
  let rig: IngestRig;

  beforeAll(async () => {
    rig = await startRig({});
  }, 60_000);

  afterAll(async () => {
    await rig?.stop();
  });

  it("marks every event with its device's partner, in the payload and the partner-id header", async () => {
    const { sim, service } = rig;
    const topics = service.config.kafka.topics;
    await service.app.get(PartnerStore).create('acme', 'Acme');
    const [ofAcme, ofDefault] = sim.devices;
    await grantThrough(rig, ofAcme, 'acme');
    await grantThrough(rig, ofDefault, null);
    await rig.waitForSessions(1);
    const partnerOfDevice = {
      [ofAcme.identity.id]: 'acme',
      [ofDefault.identity.id]: DEFAULT_PARTNER_ID,
    };
    const sent = [emitDeviceFrames(rig, ofAcme), emitDeviceFrames(rig, ofDefault)];
    expect(sim.faults.sendMalformed(HOST, 'not-json')).toBe(1);
    expect(await command(rig, ofAcme.identity.id, await controlKey(rig, 'acme'))).toBe(200);

    const expected = {
      deviceStatus: sent[0].deviceStatus + sent[1].deviceStatus,
      deviceOnline: sent[0].deviceOnline + sent[1].deviceOnline,
      deviceSettings: sent[0].deviceSettings + sent[1].deviceSettings,
      consent: 2,
      commandAudit: 1,
    };
    for (const [key, count] of Object.entries(expected)) {
      const topic = topics[key as keyof typeof expected];
      await waitForRecords(topic, count);
      for (const record of await readWhole(topic)) {
        const partner = partnerOfDevice[record.key as string];
        expect([topic, partnerOf(record), record.headers['partner-id']]).toEqual([
          topic,
          partner,
          partner,
        ]);
        expect(validateAgainstAsyncApi(topic, record)).toEqual([]);
      }
    }
    await waitForRecords(topics.deadLetter, 1);
    const [letter] = await readWhole(topics.deadLetter);
    expect(letter.headers['partner-id']).toBeUndefined();
    expect(validateAgainstAsyncApi(topics.deadLetter, letter)).toEqual([]);
    const ofAcmeOwn = Object.values(partnerTopicNames(service.config.kafka.topicPrefix, 'acme'));
    expect(await partitionsOf(ofAcmeOwn)).toEqual({});
  });

  it('keeps the latest state of a device that moves to another partner: the shared topic gets no tombstone', async () => {
    const { sim, service } = rig;
    const stateTopic = service.config.kafka.topics.deviceState;
    const moving = sim.devices[2];
    await grantThrough(rig, moving, 'acme');
    await rig.waitForSessions(1);
    await grantThrough(rig, moving, null);
    sim.emitStatus(moving);

    await eventually(async () => {
      const states = (await readWhole(stateTopic)).filter((r) => r.key === moving.identity.id);
      expect(partnerOf(states.at(-1)!)).toBe(DEFAULT_PARTNER_ID);
    }, 30_000);
    await rig.waitForBufferEmpty();
    const states = (await readWhole(stateTopic)).filter((r) => r.key === moving.identity.id);
    expect(states.filter((r) => r.value === undefined)).toEqual([]);
  });
});
