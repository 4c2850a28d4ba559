import { Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { RunningService } from '../support/app';
import { DedicatedKafka, startDedicatedKafka } from '../support/dedicated-kafka';
import { eventually, waitFor } from '../support/eventually';
import { IngestRig, startIngestRig } from '../support/ingest';
import { readRawTopic } from '../support/kafka-reader';
import { metricValue } from '../support/metrics-scrape';
import { grantThrough } from '../support/partner-grants';
import { requireServices } from '../support/services';
import type { OutgoingEvent } from '../../src/publish/event-publisher';
import { DeviceStateStore } from '../../src/device-state/device-state.store';
import { LatestStatePublisher } from '../../src/latest-state/latest-state.publisher';
import { ApiKeyStore } from '../../src/partners/api-key.store';
import { PartnerStore } from '../../src/partners/partner.store';
import { PublishBuffer } from '../../src/publish/publish-buffer';
import { SessionManager } from '../../src/shelly/session-manager';

const { kafkaBrokers } = requireServices();
const HOST = 'shelly-103-eu.shelly.cloud';

interface DeviceBody {
  online: boolean | null;
  lastSeenAt: string | null;
  measurements: unknown[];
}

function holdsHost(replica: RunningService): boolean {
  return replica.app
    .get(SessionManager)
    .states()
    .some((s) => s.up && s.host === HOST);
}

/** An admin key: it sees the devices of every partner. */
async function adminKey(replica: RunningService): Promise<string> {
  const { key } = await replica.app.get(ApiKeyStore).create('ops', ['admin']);
  return key;
}

async function deviceOn(
  replica: RunningService,
  key: string,
  deviceId: string,
): Promise<DeviceBody> {
  const response = await fetch(`${replica.url}/v1/devices/${deviceId}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  if (response.status !== 200) throw new Error(`GET device on a replica: ${response.status}`);
  const { online, lastSeenAt, measurements } = (await response.json()) as DeviceBody;
  return { online, lastSeenAt, measurements };
}

describe('device state shared by the replicas through the latest-state topic', () => {
  let rig: IngestRig | undefined;

  let kafka: DedicatedKafka | undefined;

  afterEach(async () => {
    await rig?.stop();
    await kafka?.destroy();
    rig = undefined;
    kafka = undefined;
  });

  it('shows a device on a replica that does not hold its host as its holder sees it, and never publishes it there', async () => {
    rig = await startIngestRig({
      simulator: { hosts: [HOST], fleet: { devices: [{ model: 'SNSW-001P16EU', host: HOST }] } },
      env: { INGEST_LATEST_STATE_INTERVAL_MS: '200' },
    });
    const replicas = [rig.service, await rig.startReplica()];
    const pushed = replicas.map((replica) => {
      const buffer = replica.app.get(PublishBuffer);
      const push = buffer.push.bind(buffer);
      const events: OutgoingEvent[] = [];
      jest.spyOn(buffer, 'push').mockImplementation((event: OutgoingEvent) => {
        events.push(event);
        return push(event);
      });
      return events;
    });
    await rig.grantAll();
    await waitFor(() => replicas.filter(holdsHost).length === 1, 20_000);
    const holder = replicas.findIndex(holdsHost);
    const otherIndex = 1 - holder;
    const other = replicas[otherIndex];
    const key = await adminKey(rig.service);
    const [device] = rig.sim.devices;
    const deviceId = device.identity.id;

    expect(rig.sim.emitStatus(device)).toBe(1);
    await eventually(async () => {
      const held = await deviceOn(replicas[holder], key, deviceId);
      expect(held).toMatchObject({ online: true });
      expect(held.measurements.length).toBeGreaterThan(0);
      expect(await deviceOn(other, key, deviceId)).toEqual(held);
    }, 30_000);

    other.app.get(LatestStatePublisher).publishChanged();
    // Published a slice per turn of the event loop: this device's, if any, in the first.
    await new Promise((turn) => setImmediate(turn));
    const published = (events: OutgoingEvent[]) =>
      events.filter((e) => e.topic === rig!.topics.deviceState && e.key === deviceId).length;
    expect(published(pushed[holder])).toBeGreaterThan(0);
    expect(published(pushed[otherIndex])).toBe(0);
    expect(holdsHost(other)).toBe(false);
  });

  it('gives a replica started later the state from the topic, skipping a malformed record and forgetting a revoked device', async () => {
    rig = await startIngestRig({
      simulator: {
        hosts: [HOST],
        fleet: {
          devices: [
            { model: 'SNSW-001P16EU', host: HOST },
            { model: 'SHSW-1', host: HOST },
          ],
        },
      },
      env: { INGEST_LATEST_STATE_INTERVAL_MS: '200' },
    });
    const { sim, topics } = rig;
    const [kept, revoked] = sim.devices;
    const producer = new Kafka({
      brokers: kafkaBrokers.split(','),
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    try {
      // Ahead of the device's states in its partition: a reader stuck on it would never get to them.
      await producer.send({
        topic: topics.deviceState,
        messages: [{ key: kept.identity.id, value: '{"type":"device.state.v1"' }],
      });
    } finally {
      await producer.disconnect();
    }
    await rig.grantAll();
    await rig.waitForSessions(1);
    await rig.waitForResync();
    sim.emitStatus(kept);
    sim.emitStatus(revoked);
    // Read raw: the topic holds the malformed record.
    const isStateOf = (record: KafkaMessage, deviceId: string) =>
      record.key?.toString() === deviceId &&
      record.value?.toString().startsWith('{"type":"device.state.v1","id"');
    await readRawTopic(kafkaBrokers, topics.deviceState, (records) =>
      [kept, revoked].every((d) => records.some((r) => isStateOf(r, d.identity.id))),
    );
    expect((await sim.revokeConsent(revoked)).applied).toBe(true);
    await readRawTopic(kafkaBrokers, topics.deviceState, (records) =>
      records.some((r) => r.key?.toString() === revoked.identity.id && r.value === null),
    );

    const late = await rig.startReplica();
    await eventually(async () => {
      expect(
        await metricValue(late.managementUrl, 'shelly_ingest_device_state_feed_caught_up'),
      ).toBe(1);
    }, 30_000);
    const key = await adminKey(rig.service);
    await eventually(async () => {
      const held = await deviceOn(rig!.service, key, kept.identity.id);
      expect(held.online).toBe(true);
      expect(await deviceOn(late, key, kept.identity.id)).toEqual(held);
    }, 30_000);
    expect(holdsHost(late)).toBe(false);
    expect(late.app.get(DeviceStateStore).get(revoked.identity.id).lastSeenAt).toBeNull();
    expect(
      await metricValue(
        late.managementUrl,
        'shelly_ingest_device_state_feed_records_total',
        'outcome="malformed"',
      ),
    ).toBe(1);
  });

  it('with topics per partner, follows each partner’s topic, also that of a partner created while it runs', async () => {
    rig = await startIngestRig({
      simulator: {
        hosts: [HOST],
        fleet: {
          devices: [
            { model: 'SHSW-1', host: HOST },
            { model: 'SHSW-1', host: HOST },
          ],
        },
      },
      env: { INGEST_LATEST_STATE_INTERVAL_MS: '200', KAFKA_TOPIC_PER_PARTNER: 'true' },
    });
    const replicas = [rig.service, await rig.startReplica()];
    const [ofDefault, ofAcme] = rig.sim.devices;
    await grantThrough(rig, ofDefault, null);
    await rig.service.app.get(PartnerStore).create('acme', 'Acme');
    await grantThrough(rig, ofAcme, 'acme');
    await waitFor(() => replicas.filter(holdsHost).length === 1, 20_000);
    const holder = replicas.find(holdsHost)!;
    const other = replicas.find((replica) => !holdsHost(replica))!;
    const key = await adminKey(rig.service);

    for (const device of [ofDefault, ofAcme]) expect(rig.sim.emitStatus(device)).toBe(1);
    for (const device of [ofDefault, ofAcme]) {
      await eventually(async () => {
        const held = await deviceOn(holder, key, device.identity.id);
        expect(held.online).toBe(true);
        expect(await deviceOn(other, key, device.identity.id)).toEqual(held);
      }, 60_000);
    }
  });

  it('follows the topic again once the broker is back after an outage', async () => {
    kafka = await startDedicatedKafka();
    rig = await startIngestRig({
      simulator: { hosts: [HOST], fleet: { devices: [{ model: 'SNSW-001P16EU', host: HOST }] } },
      env: { KAFKA_BROKERS: kafka.brokers, INGEST_LATEST_STATE_INTERVAL_MS: '200' },
    });
    const replicas = [rig.service, await rig.startReplica()];
    await rig.grantAll();
    await waitFor(() => replicas.filter(holdsHost).length === 1, 20_000);
    const holder = replicas.find(holdsHost)!;
    const other = replicas.find((replica) => !holdsHost(replica))!;
    const key = await adminKey(rig.service);
    const [device] = rig.sim.devices;
    const sameOnBoth = async () => {
      const held = await deviceOn(holder, key, device.identity.id);
      expect(held.online).toBe(true);
      expect(await deviceOn(other, key, device.identity.id)).toEqual(held);
      return held.lastSeenAt!;
    };
    rig.sim.emitStatus(device);
    let before = '';
    await eventually(async () => {
      before = await sameOnBoth();
    }, 30_000);

    await kafka.stop();
    await kafka.start();
    await eventually(async () => {
      rig!.sim.emitStatus(device);
      expect((await sameOnBoth()) > before).toBe(true);
    }, 90_000);
  }, 180_000);
});
