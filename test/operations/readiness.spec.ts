import { Client } from 'pg';
import { DedicatedKafka, startDedicatedKafka } from '../support/dedicated-kafka';
import { eventually } from '../support/eventually';
import { IngestRig, startIngestRig } from '../support/ingest';

async function ready(url: string): Promise<{ status: number; body: { status?: string } }> {
  const response = await fetch(`${url}/health/ready`);
  return { status: response.status, body: (await response.json()) as { status?: string } };
}

describe('readiness names what is degraded', () => {
  let kafka: DedicatedKafka | undefined;
  let rig: IngestRig;
  let hosts: string[];

  beforeAll(async () => {
    kafka = await startDedicatedKafka();
    rig = await startIngestRig({ env: { KAFKA_BROKERS: kafka.brokers } });
    hosts = [...rig.sim.hosts].sort();
    await rig.grantAll();
    await rig.waitForSessions(hosts.length);
  }, 90_000);

  afterAll(async () => {
    await rig?.stop();
    await kafka?.destroy();
  });

  it('is ready with the database, the producer and a session for every consented host', async () => {
    expect(await ready(rig.service.managementUrl)).toEqual({
      status: 200,
      body: {
        status: 'ok',
        checks: {
          database: 'ok',
          kafka: 'ok',
          sessions: Object.fromEntries(hosts.map((host) => [host, 'up'])),
        },
      },
    });
  });

  it('names a host whose socket the cloud closed and refuses to reopen, staying in the load balancer, and recovers with it', async () => {
    const [lost, kept] = hosts;
    rig.sim.faults.refuseConnections(lost, 3_000);
    rig.sim.faults.dropConnection(lost);
    await eventually(async () => {
      expect(await ready(rig.service.managementUrl)).toEqual({
        status: 200,
        body: {
          status: 'degraded',
          checks: { database: 'ok', kafka: 'ok', sessions: { [lost]: 'down', [kept]: 'up' } },
        },
      });
    }, 2_000);
    await eventually(
      async () => expect((await ready(rig.service.managementUrl)).body.status).toBe('ok'),
      10_000,
    );
  });

  it('reports Kafka disconnected while the broker is stopped, and ready again after it restarts', async () => {
    await kafka!.stop();
    await eventually(async () => {
      expect(await ready(rig.service.managementUrl)).toMatchObject({
        status: 503,
        body: { status: 'degraded', checks: { database: 'ok', kafka: 'disconnected' } },
      });
    }, 15_000);
    await kafka!.start();
    await eventually(
      async () => expect((await ready(rig.service.managementUrl)).status).toBe(200),
      30_000,
    );
  }, 60_000);

  it('reports the database unreachable once its database is gone', async () => {
    const url = new URL(rig.service.databaseUrl);
    const name = url.pathname.slice(1);
    url.pathname = '/postgres';
    const admin = new Client({ connectionString: url.toString() });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    await eventually(async () => {
      expect(await ready(rig.service.managementUrl)).toMatchObject({
        status: 503,
        body: { status: 'degraded', checks: { database: 'unreachable', kafka: 'ok' } },
      });
    }, 5_000);
  });
});
