import { InboundFrames } from '../../src/shelly/inbound-frames';
import { malformedKinds } from '../../src/simulator/frames';
import { SimulatedDevice } from '../../src/simulator/simulated-device';
import { validateAgainstAsyncApi } from '../support/asyncapi-contract';
import { eventually } from '../support/eventually';
import { IngestRig, startIngestRig } from '../support/ingest';
import { ReadMessage, readTopic, topicMessageCount } from '../support/kafka-reader';
import { metricValue } from '../support/metrics-scrape';
import { requireServices } from '../support/services';

interface Reading {
  component: string;
  channel: number;
  phase?: string;
  metric: string;
  value: unknown;
}

interface StatusValue {
  source: { resync?: boolean };
  device: { id: string; owner: number | null };
  measurements: Reading[];
  status?: { _bench?: { seq: number } };
}

// Both producer drivers (KAFKA_CLIENT) must carry the same fleet to the same records.
describe.each(['kafkajs', 'platformatic'])(
  'ingest of a mixed Gen1/Gen2 fleet on two hosts (%s producer)',
  (client) => {
    const { kafkaBrokers } = requireServices();
    let rig: IngestRig;
    let stranger: SimulatedDevice;
    let consented: SimulatedDevice[];
    /** What the resyncs after the grants published, before any frame of the tests. */
    const resynced = { status: 0, online: 0 };

    const readAll = (topic: string, count: number) =>
      readTopic(kafkaBrokers, topic, (messages) => messages.length >= count);

    beforeAll(async () => {
      rig = await startIngestRig({ env: { KAFKA_CLIENT: client } });
      stranger = rig.sim.devices[0];
      consented = rig.sim.devices.filter((device) => device !== stranger);
      await rig.grantAll([stranger.identity.id]);
      await rig.sim.grantConsent(stranger, { userId: 777 }, { callbackLost: true });
      await rig.waitForSessions(rig.sim.hosts.length);
      await rig.waitForResync();
      resynced.status = await topicMessageCount(kafkaBrokers, rig.topics.deviceStatus);
      resynced.online = await topicMessageCount(kafkaBrokers, rig.topics.deviceOnline);
    }, 60_000);

    afterAll(async () => {
      await rig?.stop();
    });

    it('publishes one event per frame of a consented device, dead-letters malformed frames and nothing for a device without consent', async () => {
      const { sim, topics, service } = rig;
      expect(new Set(consented.map((d) => d.host)).size).toBe(2);
      expect(new Set(consented.map((d) => d.model.gen)).size).toBeGreaterThan(1);

      const sent = { status: 0, online: 0, settings: 0 };
      for (const device of consented) {
        sent.status += sim.emitStatus(device);
        sent.status += sim.emitStatus(device, { partial: true });
        sent.online += sim.setOnline(device, false);
        const cameOnline = sim.setOnline(device, true);
        sent.online += cameOnline;
        sent.status += cameOnline;
        sent.settings += sim.emitSettings(device, { name: `Renamed ${device.identity.id}` });
      }
      const strangerFrames =
        sim.emitStatus(stranger) +
        sim.setOnline(stranger, false) +
        sim.setOnline(stranger, true) * 2;
      let malformed = 0;
      let unknown = 0;
      for (const host of sim.hosts) {
        for (const kind of malformedKinds) {
          // A binary message holding a valid frame is read as UTF-8 text; it is not malformed.
          if (kind === 'binary') continue;
          const count = sim.faults.sendMalformed(host, kind);
          if (kind === 'unknown-event') unknown += count;
          else malformed += count;
        }
      }
      expect(sent.status).toBe(consented.length * 3);
      expect(strangerFrames).toBe(4);

      await eventually(async () => {
        expect(
          await metricValue(
            service.managementUrl,
            'shelly_ingest_frames_dropped_total',
            'reason="no_consent"',
          ),
        ).toBe(strangerFrames);
        expect(await topicMessageCount(kafkaBrokers, topics.deviceStatus)).toBe(
          resynced.status + sent.status,
        );
        expect(await topicMessageCount(kafkaBrokers, topics.deviceOnline)).toBe(
          resynced.online + sent.online,
        );
        expect(await topicMessageCount(kafkaBrokers, topics.deviceSettings)).toBe(sent.settings);
        expect(await topicMessageCount(kafkaBrokers, topics.deadLetter)).toBe(malformed);
      }, 20_000);

      const all = await readAll(topics.deviceStatus, resynced.status + sent.status);
      for (const message of all) {
        expect(validateAgainstAsyncApi('deviceStatus', message)).toEqual([]);
      }
      const statuses = all.filter((m) => !(m.value as StatusValue).source.resync);
      expect(statuses).toHaveLength(sent.status);
      const keys = new Set(statuses.map((m) => m.key));
      expect(keys).toEqual(new Set(consented.map((d) => d.identity.id)));
      for (const message of statuses) {
        expect((message.value as StatusValue).device.owner).toBe(48213);
      }
      const withReadings = statuses.filter((m) => (m.value as StatusValue).measurements.length > 0);
      expect(withReadings.length).toBeGreaterThan(consented.length);

      for (const message of await readAll(topics.deviceOnline, resynced.online + sent.online)) {
        expect(validateAgainstAsyncApi('deviceOnline', message)).toEqual([]);
        expect(message.key).not.toBe(stranger.identity.id);
      }
      for (const message of await readAll(topics.deviceSettings, sent.settings)) {
        expect(validateAgainstAsyncApi('deviceSettings', message)).toEqual([]);
      }

      const deadLetters = await readAll(topics.deadLetter, malformed);
      for (const message of deadLetters) {
        expect(validateAgainstAsyncApi('deadLetter', message)).toEqual([]);
      }
      expect(new Set(deadLetters.map((m) => (m.value as { reason: string }).reason))).toEqual(
        new Set(['not_json', 'missing_event', 'missing_device_id', 'invalid_field']),
      );
      expect(
        await metricValue(
          service.managementUrl,
          'shelly_ingest_frames_dropped_total',
          'reason="unknown_event"',
        ),
      ).toBe(unknown);
    });

    it('carries the readings of a Pro 4PM on Ethernet, a Pro RGBWW PM and a BLU TRV with the right components', async () => {
      const { sim, topics } = rig;
      const byModel = (code: string) => consented.find((device) => device.model.code === code)!;
      const ethernet = byModel('SPSW-104PE16EU');
      const rgbww = byModel('SPDC-0D5PE');
      const gateway = byModel('S3GW-1DBT001');
      const before = await topicMessageCount(kafkaBrokers, topics.deviceStatus);

      for (const device of [ethernet, rgbww, gateway]) {
        expect(sim.emitStatus(device, { partial: false })).toBe(1);
      }

      const messages = await readAll(topics.deviceStatus, before + 3);
      const latest = (device: SimulatedDevice): Reading[] => {
        const own = messages.filter(
          (m) => m.key === device.identity.id && !(m.value as StatusValue).source.resync,
        );
        return (own.at(-1)!.value as StatusValue).measurements;
      };
      const keysOf = (readings: Reading[]) =>
        readings.map((r) => `${r.component}/${r.channel}/${r.phase}/${r.metric}`);
      const has = (readings: Reading[], component: string, channel: number, metric: string) =>
        readings.some(
          (r) => r.component === component && r.channel === channel && r.metric === metric,
        );

      const onEthernet = latest(ethernet);
      expect(onEthernet.filter((r) => r.metric === 'rssi')).toEqual([]);
      for (const channel of [0, 1, 2, 3])
        expect(has(onEthernet, 'switch', channel, 'power')).toBe(true);

      const lights = latest(rgbww);
      expect(new Set(lights.map((r) => r.component))).toEqual(
        new Set(['input', 'rgb', 'cct', 'device']),
      );
      expect(has(lights, 'rgb', 0, 'red')).toBe(true);
      expect(has(lights, 'cct', 0, 'color_temp')).toBe(true);
      const keys = keysOf(lights);
      expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);

      const trv = latest(gateway).filter((r) => r.component === 'trv');
      expect(trv.map((r) => `${r.channel}/${r.metric}`).sort()).toEqual(
        [
          '200/battery',
          '200/last_updated',
          '200/position',
          '200/rssi',
          '200/target_temperature',
          '200/temperature',
        ].sort(),
      );
      const [state] = gateway.state.bluTrvs;
      expect(trv.find((r) => r.metric === 'target_temperature')?.value).toBe(state.targetC);
    });

    it('keeps every device’s events in the order the cloud sent them', async () => {
      const { sim, topics } = rig;
      const noConsent = () =>
        metricValue(
          rig.service.managementUrl,
          'shelly_ingest_frames_dropped_total',
          'reason="no_consent"',
        );
      const before = await topicMessageCount(kafkaBrokers, topics.deviceStatus);
      const droppedBefore = await noConsent();
      const report = await sim.load({ eventsPerSecond: 2000, durationMs: 2000 });
      expect(report.framesSent).toBeGreaterThan(3000);

      // The device without consent takes part in the load too; its frames are dropped, not published.
      let published = 0;
      await eventually(async () => {
        published = report.framesSent - ((await noConsent()) - droppedBefore);
        expect(await topicMessageCount(kafkaBrokers, topics.deviceStatus)).toBe(before + published);
      }, 20_000);
      const messages = await readAll(topics.deviceStatus, before + published);
      const loadFrames = messages.filter((m) => seqOf(m) !== undefined);
      expect(loadFrames).toHaveLength(published);
      expect(published).toBeLessThan(report.framesSent);
      const lastSeq = new Map<string, number>();
      for (const message of loadFrames) {
        const seq = seqOf(message) as number;
        expect(seq).toBeGreaterThan(lastSeq.get(message.key as string) ?? -1);
        lastSeq.set(message.key as string, seq);
      }
      expect(lastSeq.size).toBe(consented.length);
    });

    it('dead-letters a frame whose event Kafka could never take, keeping its beginning', async () => {
      const { topics, service } = rig;
      const device = consented[0];
      const huge = JSON.stringify({
        event: 'Shelly:StatusOnChange',
        deviceId: device.identity.deviceId,
        status: { note: 'x'.repeat(1_000_000) },
      });
      const before = await topicMessageCount(kafkaBrokers, topics.deadLetter);

      service.app.get(InboundFrames).accept({ key: device.host, host: device.host }, huge);

      const letters = await readAll(topics.deadLetter, before + 1);
      const tooLarge = letters.filter(
        (m) => (m.value as { reason: string }).reason === 'frame_too_large',
      );
      expect(tooLarge).toHaveLength(1);
      const letter = tooLarge[0].value as { raw: string; truncated: boolean };
      expect(huge.startsWith(letter.raw)).toBe(true);
      expect(letter.truncated).toBe(true);
      expect(letter.raw.length).toBeGreaterThan(63 * 1024);
      expect(Buffer.byteLength(JSON.stringify(letter))).toBeLessThanOrEqual(64 * 1024);
      expect(tooLarge[0].key).toBe(device.host);
    });
  },
);

function seqOf(message: ReadMessage): number | undefined {
  return (message.value as StatusValue).status?._bench?.seq;
}
