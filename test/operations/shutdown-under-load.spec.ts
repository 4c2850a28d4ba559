import { Counter } from 'prom-client';
import { Metrics } from '../../src/observability/metrics';
import { PublishBuffer } from '../../src/publish/publish-buffer';
import { waitFor } from '../support/eventually';
import { IngestRig, startIngestRig } from '../support/ingest';
import { topicMessageCount } from '../support/kafka-reader';
import { requireServices } from '../support/services';

async function total(
  counter: Counter,
  where: (labels: Record<string, unknown>) => boolean = () => true,
) {
  const { values } = await counter.get();
  return values.filter((v) => where(v.labels)).reduce((sum, v) => sum + v.value, 0);
}

describe('shutdown under load', () => {
  let rig: IngestRig | undefined;

  afterAll(async () => {
    await rig?.sim.stop();
  });

  it('closes the sockets and publishes every event it had buffered before it exits', async () => {
    const { kafkaBrokers } = requireServices();
    // One event per Kafka request: the buffer fills faster than it drains, so there is a backlog.
    rig = await startIngestRig({
      env: { KAFKA_BATCH_MAX_EVENTS: '1', SHUTDOWN_GRACE_MS: '60000' },
    });
    await rig.grantAll();
    await rig.waitForSessions(rig.sim.hosts.length);
    const metrics = rig.service.app.get(Metrics);
    const buffer = rig.service.app.get(PublishBuffer);
    const { topics } = rig;
    const deviceTopics = [topics.deviceStatus, topics.deviceOnline, topics.deviceSettings];
    // What the resync published after the grants came from no frame: the accounting starts after it.
    await rig.waitForResync();
    const counts = async () => ({
      received: await total(metrics.framesReceived),
      deadLettered: await total(metrics.framesDeadLettered),
      dropped: await total(metrics.framesDropped),
      responses: await total(metrics.responsesReceived),
      published: await total(metrics.eventsPublished, (l) =>
        deviceTopics.includes(l.topic as string),
      ),
    });
    const before = await counts();

    const load = rig.sim.load({ eventsPerSecond: 5_000, durationMs: 8_000 });
    await waitFor(() => buffer.depth >= 1_000, 8_000);
    const bufferedAtClose = buffer.depth;
    await rig.service.stop();
    const report = await load;

    expect(bufferedAtClose).toBeGreaterThanOrEqual(1_000);
    expect(buffer.depth).toBe(0);
    // The load went on after the sockets closed: the service stopped reading mid-load.
    expect(report.behind).toBeGreaterThan(0);

    const after = await counts();
    const during = (name: keyof typeof after) => after[name] - before[name];
    expect(during('received')).toBeGreaterThan(bufferedAtClose);
    expect(during('received')).toBe(
      during('published') + during('deadLettered') + during('dropped') + during('responses'),
    );
    expect(await total(metrics.eventsPublished, (l) => l.topic === topics.deadLetter)).toBe(
      after.deadLettered,
    );
    for (const topic of [...deviceTopics, topics.deadLetter]) {
      const acknowledged = await total(metrics.eventsPublished, (l) => l.topic === topic);
      expect([topic, await topicMessageCount(kafkaBrokers, topic)]).toEqual([topic, acknowledged]);
    }
  }, 90_000);
});
