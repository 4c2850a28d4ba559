import { Kafka, logLevel } from 'kafkajs';
import { eventually } from '../support/eventually';
import { IngestRig, startIngestRig } from '../support/ingest';
import { ReadMessage, readTopic, topicMessageCount } from '../support/kafka-reader';
import { createMigratedDatabase, requireServices } from '../support/services';
import { sql } from '../support/sql';
import { validateAgainstAsyncApi } from '../support/asyncapi-contract';

const { kafkaBrokers } = requireServices();

interface StateRecord {
  partner: string;
  device: { id: string; owner: number };
  online: boolean | null;
  measurements: { component: string; channel: number; metric: string; time: string }[];
}

interface StatusEvent {
  format: string;
  source: { resync?: boolean };
  measurements: { component: string; channel: number; metric: string }[];
}

async function readWhole(topic: string): Promise<ReadMessage[]> {
  const count = await topicMessageCount(kafkaBrokers, topic);
  return readTopic(kafkaBrokers, topic, (messages) => messages.length >= count);
}

/** What a consumer reading the topic from the beginning ends with: the last record per key. */
function latestByKey(records: readonly ReadMessage[]): Map<string, StateRecord | undefined> {
  return new Map(records.map((r) => [r.key!, r.value as StateRecord | undefined]));
}

const readingKey = (m: { component: string; channel: number; metric: string }) =>
  `${m.component}/${m.channel}/${m.metric}`;

describe('the latest-state topic', () => {
  let rig: IngestRig | undefined;
  let database: { url: string; drop(): Promise<void> } | undefined;

  afterEach(async () => {
    await rig?.stop();
    await database?.drop();
    rig = undefined;
    database = undefined;
  });

  it('holds exactly one latest record per consented device, with every reading merged, and none for a revoked one', async () => {
    rig = await startIngestRig({ env: { INGEST_LATEST_STATE_INTERVAL_MS: '200' } });
    const { sim, topics } = rig;
    await rig.grantAll();
    await rig.waitForSessions(sim.hosts.length);
    await rig.waitForResync();
    for (const device of sim.devices) sim.emitStatus(device);
    for (const device of sim.devices) sim.emitStatus(device, { partial: true });
    const [revoked, ...consented] = sim.devices;
    expect((await sim.revokeConsent(revoked)).applied).toBe(true);
    const consentedIds = consented.map((d) => d.identity.id).sort();

    let latest = new Map<string, StateRecord | undefined>();
    await eventually(async () => {
      await rig!.waitForBufferEmpty();
      latest = latestByKey(await readWhole(topics.deviceState));
      const withState = [...latest].filter(([, value]) => value !== undefined).map(([k]) => k);
      expect(withState.sort()).toEqual(consentedIds);
      expect(latest.has(revoked.identity.id)).toBe(true);
    }, 30_000);

    for (const id of consentedIds) {
      const state = latest.get(id)!;
      expect(state).toMatchObject({
        partner: 'default',
        online: true,
        device: { id, owner: 48213 },
      });
    }
    // A partial status replaces only what it holds: the state still has every reading of the full
    // status before it.
    const statuses = await readWhole(topics.deviceStatus);
    for (const id of consentedIds) {
      const fullStatuses = statuses.filter(
        (r) =>
          r.key === id &&
          (r.value as StatusEvent).measurements.length > 0 &&
          (r.value as StatusEvent).source.resync === undefined,
      );
      const stateReadings = new Set(latest.get(id)!.measurements.map(readingKey));
      for (const reading of (fullStatuses[0].value as StatusEvent).measurements) {
        expect(stateReadings).toContain(readingKey(reading));
      }
    }
    for (const record of await readWhole(topics.deviceState)) {
      expect(validateAgainstAsyncApi(topics.deviceState, record)).toEqual([]);
    }
  });

  it('publishes the states not published yet when the service stops', async () => {
    // No interval passes in this test: only the stop can publish the states.
    rig = await startIngestRig({ env: { INGEST_LATEST_STATE_INTERVAL_MS: '600000' } });
    const { sim, topics } = rig;
    await rig.grantAll();
    await rig.waitForSessions(sim.hosts.length);
    await rig.waitForResync();
    for (const device of sim.devices) sim.emitStatus(device);
    const ids = sim.devices.map((d) => d.identity.id).sort();
    await eventually(async () => {
      const statuses = await readWhole(topics.deviceStatus);
      expect(new Set(statuses.map((r) => r.key)).size).toBe(ids.length);
    }, 30_000);
    expect(await topicMessageCount(kafkaBrokers, topics.deviceState)).toBe(0);

    await rig.service.stop();

    const latest = latestByKey(await readWhole(topics.deviceState));
    expect([...latest.keys()].sort()).toEqual(ids);
  });

  it('is created compacted, a segment a minute so that superseded states go soon', async () => {
    rig = await startIngestRig();
    const admin = new Kafka({
      brokers: kafkaBrokers.split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            type: 2,
            name: rig.topics.deviceState,
            configNames: ['cleanup.policy', 'segment.ms'],
          },
        ],
      });
      expect(resources[0].configEntries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ configName: 'cleanup.policy', configValue: 'compact' }),
          expect.objectContaining({ configName: 'segment.ms', configValue: '60000' }),
        ]),
      );
      const { resources: status } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: rig.topics.deviceStatus, configNames: ['cleanup.policy'] }],
      });
      expect(status[0].configEntries[0].configValue).toBe('delete');
    } finally {
      await admin.disconnect();
    }
  });

  it('publishes the tombstone of every consent that ended again at start, in case one was lost', async () => {
    database = await createMigratedDatabase();
    await sql(
      database.url,
      `INSERT INTO consent_history (device_id, change, scope, owner_user_id, host, callback, verification, partner_id)
       VALUES ('a0b1c2d3e4f5', 'granted', 'read', 1, 'shelly-103-eu.shelly.cloud', '{}', '{}', 'default'),
              ('a0b1c2d3e4f5', 'revoked', NULL, 1, 'shelly-103-eu.shelly.cloud', '{}', '{}', 'default'),
              ('b0b1c2d3e4f5', 'granted', 'read', 1, 'shelly-103-eu.shelly.cloud', '{}', '{}', 'default'),
              ('b0b1c2d3e4f5', 'revoked', NULL, 1, 'shelly-103-eu.shelly.cloud', '{}', '{}', 'default'),
              ('b0b1c2d3e4f5', 'granted', 'read', 1, 'shelly-103-eu.shelly.cloud', '{}', '{}', 'default')`,
    );
    rig = await startIngestRig({ database });

    const records = await readTopic(kafkaBrokers, rig.topics.deviceState, (read) =>
      read.some((r) => r.key === 'a0b1c2d3e4f5'),
    );
    await rig.waitForBufferEmpty();
    const all = await readWhole(rig.topics.deviceState);
    expect(records.find((r) => r.key === 'a0b1c2d3e4f5')?.value).toBeUndefined();
    // Granted again after its revoke: no tombstone.
    expect(all.filter((r) => r.key === 'b0b1c2d3e4f5')).toEqual([]);
  });
});
