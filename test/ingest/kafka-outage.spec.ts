import { PublishBuffer } from '../../src/publish/publish-buffer';
import { DedicatedKafka, startDedicatedKafka } from '../support/dedicated-kafka';
import { IngestRig, startIngestRig } from '../support/ingest';
import { ReadMessage, readTopic } from '../support/kafka-reader';

const OUTAGE_MS = 20_000;
/** About 1,900 of the simulator's events: filled within the outage at 300 events/s. */
const BUFFER_MAX_BYTES = 2 * 2 ** 20;

function seqOf(message: ReadMessage): number | undefined {
  return (message.value as { status?: { _bench?: { seq: number } } }).status?._bench?.seq;
}

describe('Kafka outage while events flow', () => {
  let kafka: DedicatedKafka | undefined;
  let rig: IngestRig | undefined;

  afterAll(async () => {
    await rig?.stop();
    await kafka?.destroy();
  });

  it('holds events up to the bound, pauses the sockets, and delivers every event once the broker is back', async () => {
    kafka = await startDedicatedKafka();
    rig = await startIngestRig({
      env: {
        KAFKA_BROKERS: kafka.brokers,
        INGEST_BUFFER_MAX_BYTES: String(BUFFER_MAX_BYTES),
        // The grants' verifies may be answered slowly here; none may revoke a grant in flight.
        SHELLY_CONSENT_SETTLE_MS: '30000',
      },
    });
    await rig.grantAll();
    await rig.waitForSessions(rig.sim.hosts.length);
    const buffer = rig.service.app.get(PublishBuffer);
    let deepest = 0;
    let paused = false;
    const sampler = setInterval(() => {
      deepest = Math.max(deepest, buffer.bytes);
      paused ||= buffer.isFull;
    }, 20);

    const load = rig.sim.load({ eventsPerSecond: 300, durationMs: OUTAGE_MS + 6_000 });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await kafka.stop();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await kafka.start();
    const report = await load;
    await rig.waitForBufferEmpty(60_000);
    clearInterval(sampler);

    const messages = await readTopic(
      kafka.brokers,
      rig.topics.deviceStatus,
      // The resync after the grants published statuses of its own, without a load sequence.
      (read) =>
        new Set(read.map(seqOf).filter((seq) => seq !== undefined)).size >= report.framesSent,
      60_000,
    );
    const fromLoad = messages.filter((m) => seqOf(m) !== undefined);
    expect(new Set(fromLoad.map(seqOf)).size).toBe(report.framesSent);
    // A batch resent after a failed acknowledgement may repeat an event, always with its own id.
    expect(new Set(fromLoad.map((m) => m.headers.ce_id)).size).toBe(report.framesSent);
    expect(paused).toBe(true);
    expect(deepest).toBeLessThan(BUFFER_MAX_BYTES * 1.5);
  }, 120_000);
});
