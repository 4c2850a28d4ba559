import { Client } from 'pg';
import { ConsentCache } from '../../src/consent/consent-cache';
import { RunningService, startService } from '../support/app';
import { callbackBody, callbackPublicKeyPem, sendCallback } from '../support/consent-callbacks';
import { DedicatedKafka, startDedicatedKafka } from '../support/dedicated-kafka';
import { eventually, waitFor } from '../support/eventually';
import { readTopic } from '../support/kafka-reader';
import { createMigratedDatabase } from '../support/services';

async function outboxSize(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return Number(
      (await client.query<{ n: string }>('SELECT count(*) AS n FROM outbox_event')).rows[0].n,
    );
  } finally {
    await client.end();
  }
}

describe('consent delivery guarantees', () => {
  it('stores a callback while Kafka is down and publishes its event once Kafka is back', async () => {
    const kafka: DedicatedKafka = await startDedicatedKafka();
    let service: RunningService | undefined;
    try {
      service = await startService({
        SHELLY_CONSENT_PUBLIC_KEY: callbackPublicKeyPem,
        KAFKA_BROKERS: kafka.brokers,
      });
      await kafka.stop();

      const answer = await sendCallback(
        `${service.url}/v1/shelly/consent`,
        'ITG_TEST',
        callbackBody(),
      );
      expect(answer).toEqual({ status: 200, body: { status: 'ok', change: 'granted' } });
      expect(await outboxSize(service.databaseUrl)).toBe(1);

      await kafka.start();
      const messages = await readTopic(
        kafka.brokers,
        service.config.kafka.topics.consent,
        (m) => m.length >= 1,
        90_000,
      );
      expect(messages[0]).toMatchObject({
        key: 'cc7b5c0c5d9c',
        headers: {
          ce_type: 'consent.granted.v1',
          ce_source: 'urn:shelly-ingest:consent-callback',
          ce_subject: 'cc7b5c0c5d9c',
        },
        value: { type: 'consent.granted.v1', device: { id: 'cc7b5c0c5d9c' }, scope: 'control' },
      });
      await eventually(async () => expect(await outboxSize(service!.databaseUrl)).toBe(0), 10_000);
    } finally {
      await service?.stop();
      await kafka.destroy();
    }
  }, 180_000);

  it('makes grants and revokes, long channel names included, visible to a second instance through Postgres notifications', async () => {
    const database = await createMigratedDatabase();
    const overrides = { SHELLY_CONSENT_PUBLIC_KEY: callbackPublicKeyPem };
    const first = await startService(overrides, database);
    const second = await startService(overrides, database);
    try {
      const url = `${first.url}/v1/shelly/consent`;
      await sendCallback(url, 'ITG_TEST', callbackBody());
      const secondCache = second.app.get(ConsentCache);
      await waitFor(() => secondCache.get('cc7b5c0c5d9c')?.scope === 'control', 5_000);

      const revoked = await sendCallback(url, 'ITG_TEST', callbackBody({ action: 'remove' }));
      expect(revoked.status).toBe(200);
      await waitFor(() => secondCache.get('cc7b5c0c5d9c') === undefined, 5_000);
      expect(secondCache.hosts()).toEqual([]);

      // 64 names of 200 characters do not fit in a notification: the second instance reads them back.
      const longNames = Array.from({ length: 64 }, (_, index) => `${index}`.padEnd(200, '.'));
      await sendCallback(url, 'ITG_TEST', callbackBody({ name: longNames }));
      await waitFor(() => secondCache.get('cc7b5c0c5d9c')?.channelNames.length === 64, 5_000);
      expect(secondCache.get('cc7b5c0c5d9c')?.channelNames).toEqual(longNames);
    } finally {
      await first.app.close();
      await second.app.close();
      await database.drop();
    }
  });
});
