import { RunningService, startService } from '../support/app';
import { callbackBody, callbackPublicKeyPem, sendCallback } from '../support/consent-callbacks';
import { readTopic, topicMessageCount } from '../support/kafka-reader';
import { metricValue } from '../support/metrics-scrape';
import { createMigratedDatabase, requireServices } from '../support/services';

const { kafkaBrokers } = requireServices();
const DEVICE = '224830197357980';
const DEVICE_KEY = 'cc7b5c0c5d9c';
/** Each step changes the consent, so that each callback writes one event to the outbox. */
const CYCLE = [
  { callback: { action: 'add', accessGroups: '01' }, event: ['consent.granted.v1', 'control'] },
  { callback: { action: 'add', accessGroups: '00' }, event: ['consent.scope_changed.v1', 'read'] },
  {
    callback: { action: 'add', accessGroups: '01' },
    event: ['consent.scope_changed.v1', 'control'],
  },
  { callback: { action: 'remove', accessGroups: '01' }, event: ['consent.revoked.v1', null] },
] as const;

/**
 * Two replicas on one database each run an outbox relay; an advisory lock lets one relay at a time,
 * so the rows leave once each, in the order their transactions committed.
 */
describe('the outbox relays of two replicas', () => {
  it('publish the consent events written through both replicas once each, in commit order', async () => {
    const database = await createMigratedDatabase();
    const env = { SHELLY_CONSENT_PUBLIC_KEY: callbackPublicKeyPem };
    const replicas: RunningService[] = [];
    try {
      replicas.push(await startService(env, database));
      const { topicPrefix, topics } = replicas[0].config.kafka;
      replicas.push(await startService({ ...env, KAFKA_TOPIC_PREFIX: topicPrefix }, database));

      // One device, so that every event lands on one partition, whose order Kafka keeps; the
      // callbacks alternate between the replicas, each answered (committed) before the next.
      const steps = [...CYCLE, ...CYCLE, ...CYCLE];
      for (const [i, step] of steps.entries()) {
        const replica = replicas[Math.floor(i / 2) % 2];
        const answer = await sendCallback(
          `${replica.url}/v1/shelly/consent`,
          'ITG_TEST',
          callbackBody({ deviceId: DEVICE, ...step.callback }),
        );
        expect(answer.status).toBe(200);
      }

      const messages = await readTopic(
        kafkaBrokers,
        topics.consent,
        (m) => m.length >= steps.length,
      );
      const published = await Promise.all(
        replicas.map((r) =>
          metricValue(
            r.managementUrl,
            'shelly_ingest_events_published_total',
            `topic="${topics.consent}"`,
          ),
        ),
      );
      await Promise.all(replicas.map((r) => r.stop()));
      replicas.length = 0;

      expect(await topicMessageCount(kafkaBrokers, topics.consent)).toBe(steps.length);
      expect(messages.map((m) => m.key)).toEqual(steps.map(() => DEVICE_KEY));
      expect(
        messages.map((m) => [m.headers.ce_type, (m.value as { scope?: string }).scope ?? null]),
      ).toEqual(steps.map((step) => step.event));
      // Both relays took part.
      expect(published.every((count) => count > 0)).toBe(true);
      expect(published[0] + published[1]).toBe(steps.length);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
      await database.drop();
    }
  }, 120_000);
});
