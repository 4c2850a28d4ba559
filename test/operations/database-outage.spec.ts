import { PgPool } from '../../src/database/pg-pool';
import { PrismaService } from '../../src/database/prisma.service';
import { Answer, ControlRig, OWNER, startControlRig } from '../support/control';
import { DatabaseProxy, startDatabaseProxy } from '../support/database-proxy';
import { eventually } from '../support/eventually';
import { metricValue } from '../support/metrics-scrape';
import { createMigratedDatabase } from '../support/services';

function expectDatabaseUnavailable(answer: Answer): void {
  expect({
    status: answer.status,
    code: answer.body.code,
    retryAfter: answer.headers.get('retry-after'),
  }).toEqual({ status: 503, code: 'database_unavailable', retryAfter: '5' });
}

/**
 * The service reaches its database through a proxy the tests cut off (refused connections) or
 * silence (connections accepted, nothing answered); migrations ran directly.
 */
describe('a database outage', () => {
  let database: { url: string; drop(): Promise<void> };
  let proxy: DatabaseProxy;
  let rig: ControlRig;
  let deviceId: string;
  let created = 0;

  beforeAll(async () => {
    database = await createMigratedDatabase();
    proxy = await startDatabaseProxy(database.url);
    rig = await startControlRig({
      models: ['SHSW-1'],
      database: { url: proxy.url },
      env: {
        DATABASE_CONNECT_TIMEOUT_MS: '500',
        DATABASE_STATEMENT_TIMEOUT_MS: '500',
        DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '1000',
      },
    });
    deviceId = rig.device('SHSW-1').identity.id;
  });

  afterEach(() => proxy.restore());

  afterAll(async () => {
    await rig?.stop();
    await proxy?.close();
    await database?.drop();
  });

  /** Requests that need the database: reads and writes, through `pg` and through Prisma. */
  function databaseRequests(): Promise<Answer[]> {
    created += 1;
    return Promise.all([
      rig.get('/v1/consents'),
      rig.get(`/v1/devices/${deviceId}/commands`),
      rig.call('POST', '/v1/partners', rig.keys.admin, { id: `p${created}`, name: 'Partner' }),
      rig.call('POST', '/v1/api-keys', rig.keys.admin, { name: `k${created}`, scopes: ['admin'] }),
    ]);
  }

  function consentCallback() {
    return rig.sim.grantConsent(rig.device('SHSW-1'), { userId: OWNER, accessGroups: '01' });
  }

  // First, while the pools hold only healthy connections.
  it('has Postgres cancel a statement that runs past the statement timeout, on both pools', async () => {
    const pool = rig.service.app.get(PgPool);
    const prisma = rig.service.app.get(PrismaService);
    await expect(pool.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: '57014' });
    await expect(prisma.$queryRaw`SELECT pg_sleep(2)`).rejects.toThrow(/57014/);
  });

  it('has Postgres end a transaction left idle past its timeout', async () => {
    const client = await rig.service.app.get(PgPool).connect();
    try {
      const lost = new Promise((resolve) => client.once('error', resolve));
      await client.query('BEGIN');
      await expect(lost).resolves.toMatchObject({ code: '25P03' });
    } finally {
      client.release(true);
    }
  }, 10_000);

  it('serves device reads from memory with a key verified just before', async () => {
    // The key is now trusted for 2 s without asking the database.
    expect((await rig.get('/v1/devices')).status).toBe(200);
    await proxy.refuse();

    const [list, one] = await Promise.all([
      rig.get('/v1/devices'),
      rig.get(`/v1/devices/${deviceId}`),
    ]);
    expect(list).toMatchObject({ status: 200, body: { devices: [{ id: deviceId }] } });
    expect(one).toMatchObject({ status: 200, body: { id: deviceId } });
  });

  it('answers 503 database_unavailable to a key it cannot verify any more', async () => {
    await proxy.refuse();
    await eventually(async () => expectDatabaseUnavailable(await rig.get('/v1/devices')), 5_000);
  });

  it('answers 503 database_unavailable with Retry-After to requests that need the database', async () => {
    await proxy.refuse();
    (await databaseRequests()).forEach(expectDatabaseUnavailable);
    const counted = () =>
      metricValue(
        rig.service.managementUrl,
        'shelly_ingest_consent_callbacks_total',
        'outcome="database_unavailable"',
      );
    const before = await counted();
    const callback = await consentCallback();
    expect({ status: callback.status, body: JSON.parse(callback.body ?? '{}') }).toMatchObject({
      status: 503,
      body: { code: 'database_unavailable' },
    });
    expect(await counted()).toBe(before + 1);
  });

  it('serves them again once the database is back', async () => {
    await proxy.refuse();
    expectDatabaseUnavailable(await rig.get('/v1/consents'));
    await proxy.restore();
    await eventually(async () => {
      expect((await databaseRequests()).map((answer) => answer.status)).toEqual([
        200, 200, 201, 201,
      ]);
      expect((await consentCallback()).status).toBe(200);
    }, 15_000);
  });

  it('gives up connecting to a database that accepts connections and never answers', async () => {
    proxy.hang();
    proxy.cut();
    // Once the pools dropped the connections cut, every request needs a new one.
    const pool = rig.service.app.get(PgPool);
    await eventually(() => expect(pool.idleCount).toBe(0), 2_000);
    (await databaseRequests()).forEach(expectDatabaseUnavailable);
  }, 10_000);

  it('gives up on statements a database that went silent never answers', async () => {
    // Leaves open connections in both pools, which then go silent.
    expect((await databaseRequests()).map((answer) => answer.status)).toEqual([200, 200, 201, 201]);
    proxy.hang();
    (await databaseRequests()).forEach(expectDatabaseUnavailable);
  }, 10_000);
});
