import { LinkedAccounts } from '../../src/accounts/linked-accounts';
import { ApiKeyStore } from '../../src/partners/api-key.store';
import { PartnerStore } from '../../src/partners/partner.store';
import type { SimulatedDevice } from '../../src/simulator/simulated-device';
import { accountLinkingEnv, linkThroughService, OAUTH_CLIENT } from '../support/account-links';
import { callService } from '../support/service-api';
import { validateAgainstAsyncApi } from '../support/asyncapi-contract';
import { eventually, waitFor } from '../support/eventually';
import { IngestRig, startIngestRig } from '../support/ingest';
import { readTopic, type ReadMessage } from '../support/kafka-reader';
import { metricValue } from '../support/metrics-scrape';
import { requireServices } from '../support/services';
import { sql } from '../support/sql';

const { kafkaBrokers } = requireServices();
const HOST = 'shelly-103-eu.shelly.cloud';
const TOKEN_LIFETIME_S = 4;
const [ALICE, BOB, CAROL, DAVE] = [6550, 6551, 6552, 6553];
const [PLUG, RELAY, ROLLER, DIMMER] = [
  'a8032abe41fc',
  'c45bbe6a12f0',
  'e8db84d62f3a',
  'c45bbe6a1300',
];

interface StatusEvent {
  type: string;
  partner: string;
  source: { api: string; host: string; account?: string; snapshot?: boolean };
  device: { id: string; owner: number | null };
}

describe('sessions of linked Shelly accounts', () => {
  let rig: IngestRig;
  const keys = {} as Record<'acmeControl' | 'brightControl', string>;
  const accountIds = {} as Record<number, string>;

  beforeAll(async () => {
    rig = await startIngestRig({
      simulator: {
        hosts: [HOST],
        fleet: {
          devices: [
            { model: 'SNSW-001P16EU', id: PLUG, host: HOST },
            { model: 'SHSW-1', id: RELAY, host: HOST },
            { model: 'SHSW-25', id: ROLLER, host: HOST },
            { model: 'SNDM-0013US', id: DIMMER, host: HOST },
          ],
        },
        accounts: [
          { userId: ALICE, devices: [PLUG] },
          { userId: BOB, devices: [RELAY] },
          { userId: CAROL, devices: [ROLLER] },
          { userId: DAVE, devices: [DIMMER] },
        ],
        oauthClients: [OAUTH_CLIENT],
        accessTokenLifetimeSeconds: TOKEN_LIFETIME_S,
      },
      env: {
        ...accountLinkingEnv(),
        ACCOUNT_RENEWAL_CHECK_MS: '200',
        SHELLY_CLOUD_CONTROL_INTERVAL_MS: '1000',
        CONTROL_RATE_PER_DEVICE: '0',
      },
    });
    const partners = rig.service.app.get(PartnerStore);
    await partners.create('acme', 'Acme Energy');
    await partners.create('bright', 'BrightBuild');
    const apiKeys = rig.service.app.get(ApiKeyStore);
    keys.acmeControl = (
      await apiKeys.create('acme', ['read', 'control'], { partnerId: 'acme' })
    ).key;
    keys.brightControl = (
      await apiKeys.create('bright', ['read', 'control'], { partnerId: 'bright' })
    ).key;
    for (const [userId, scope] of [
      [ALICE, 'control'],
      [BOB, 'read'],
      [CAROL, 'control'],
    ] as const) {
      const linked = await linkThroughService(rig.service.url, keys.acmeControl, scope, userId);
      expect(linked.status).toBe(200);
      accountIds[userId] = (linked.body.account as { id: string }).id;
    }
  });

  afterAll(async () => {
    await rig?.stop();
  });

  const call = (method: string, path: string, key: string, body?: unknown) =>
    callService(rig.service.url, method, path, key, body);
  const device = (id: string): SimulatedDevice => rig.sim.device(id);
  const socketUp = (userId: number) => rig.sim.accountConnections(userId).length === 1;

  async function statusEvents(
    deviceId: string,
    enough: (events: StatusEvent[]) => boolean,
  ): Promise<{ events: StatusEvent[]; messages: ReadMessage[] }> {
    const of = (messages: ReadMessage[]) =>
      messages.filter(
        (message) => message.key === deviceId && message.headers.ce_type === 'device.status.v1',
      );
    const messages = of(
      await readTopic(kafkaBrokers, rig.topics.deviceStatus, (read) =>
        enough(of(read).map((message) => message.value as StatusEvent)),
      ),
    );
    return { events: messages.map((message) => message.value as StatusEvent), messages };
  }

  it("opens one socket per account, publishes a snapshot on connect, then the socket's events, as the account partner's", async () => {
    await waitFor(() => [ALICE, BOB, CAROL].every(socketUp), 15_000);
    const snapshot = await statusEvents(PLUG, (events) => events.length >= 1);
    expect(snapshot.events[0]).toMatchObject({
      partner: 'acme',
      source: { api: 'rte', host: HOST, account: String(ALICE), snapshot: true },
      device: { id: PLUG, owner: ALICE },
    });
    expect(validateAgainstAsyncApi('deviceStatus', snapshot.messages[0])).toEqual([]);
    expect(rig.sim.cloudCalls.map((c) => c.path)).toEqual(
      expect.arrayContaining(['/interface/device/get_all_lists', '/v2/devices/api/get']),
    );

    expect(rig.sim.emitStatus(device(PLUG))).toBe(1);

    const live = await statusEvents(PLUG, (events) =>
      events.some((event) => event.source.snapshot === undefined),
    );
    const event = live.messages.find(
      (message) => (message.value as StatusEvent).source.snapshot === undefined,
    )!;
    expect(event.value).toMatchObject({
      partner: 'acme',
      source: { api: 'rte', host: HOST, account: String(ALICE) },
      device: { id: PLUG, owner: ALICE },
    });
    expect(event.headers['partner-id']).toBe('acme');
    expect(event.headers.ce_source).toBe(`urn:shelly-ingest:rte:${HOST}`);
    expect(validateAgainstAsyncApi('deviceStatus', event)).toEqual([]);
    expect(
      await metricValue(rig.service.managementUrl, 'shelly_ingest_account_sessions', 'state="up"'),
    ).toBe(3);
  });

  it("shows the account's devices to its partner only", async () => {
    const shown = await call('GET', `/v1/devices/${PLUG}`, keys.acmeControl);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      id: PLUG,
      partnerId: 'acme',
      ownerUserId: ALICE,
      scope: 'control',
      host: HOST,
      account: accountIds[ALICE],
    });
    const listed = await call('GET', '/v1/devices', keys.acmeControl);
    expect((listed.body.devices as { id: string }[]).map((d) => d.id).sort()).toEqual(
      [PLUG, RELAY, ROLLER].sort(),
    );
    expect((await call('GET', `/v1/devices/${PLUG}`, keys.brightControl)).status).toBe(404);
  });

  it('takes a snapshot on demand, for the account partner only', async () => {
    const snapshotsOf = (events: StatusEvent[]) => events.filter((event) => event.source.snapshot);

    const answer = await call(
      'POST',
      `/v1/accounts/${accountIds[ALICE]}/snapshot`,
      keys.acmeControl,
    );

    expect([answer.status, answer.body]).toEqual([
      200,
      { accountId: accountIds[ALICE], devices: 1 },
    ]);
    // One when the socket opened, one asked for.
    const { events } = await statusEvents(PLUG, (read) => snapshotsOf(read).length >= 2);
    expect(snapshotsOf(events)).toHaveLength(2);
    const other = await call(
      'POST',
      `/v1/accounts/${accountIds[ALICE]}/snapshot`,
      keys.brightControl,
    );
    expect([other.status, other.body.code]).toEqual([404, 'account_not_found']);
  });

  it("takes the snapshot again while Shelly's Cloud Control API fails, until it answers", async () => {
    const snapshotsOf = (events: StatusEvent[]) => events.filter((event) => event.source.snapshot);
    const before = snapshotsOf(
      (await statusEvents(PLUG, (read) => snapshotsOf(read).length >= 2)).events,
    ).length;
    rig.sim.faults.failCloudControl(true);
    try {
      const calls = rig.sim.cloudCalls.length;
      rig.sim.dropAccountConnections(ALICE);
      await waitFor(
        () =>
          rig.sim.cloudCalls
            .slice(calls)
            .filter((call) => call.userId === undefined && call.status === 503).length >= 2,
        15_000,
      );
    } finally {
      rig.sim.faults.failCloudControl(false);
    }

    const { events } = await statusEvents(PLUG, (read) => snapshotsOf(read).length > before);
    expect(snapshotsOf(events)).toHaveLength(before + 1);
  });

  it('records a device its socket names before any snapshot listed it, so that it can be found', async () => {
    rig.sim.faults.failCloudControl(true);
    try {
      const linked = await linkThroughService(rig.service.url, keys.brightControl, 'read', DAVE);
      expect(linked.status).toBe(200);
      await waitFor(() => socketUp(DAVE), 10_000);
      expect((await call('GET', `/v1/devices/${DIMMER}`, keys.brightControl)).status).toBe(404);

      expect(rig.sim.emitStatus(device(DIMMER))).toBe(1);

      const { events } = await statusEvents(DIMMER, (read) => read.length >= 1);
      expect(events[0]).toMatchObject({ partner: 'bright', device: { id: DIMMER, owner: DAVE } });
      await eventually(async () => {
        const shown = await call('GET', `/v1/devices/${DIMMER}`, keys.brightControl);
        expect([shown.status, shown.body.scope]).toEqual([200, 'read']);
      }, 10_000);
    } finally {
      rig.sim.faults.failCloudControl(false);
    }
  });

  it('keeps the events coming across token expiries, and reconnects with the renewed token', async () => {
    const firstToken = await rig.service.app.get(LinkedAccounts).accessToken(accountIds[ALICE]);
    const start = Date.now();
    let sent = 0;
    while (Date.now() - start < 2.5 * TOKEN_LIFETIME_S * 1000) {
      sent += rig.sim.emitStatus(device(PLUG));
      await new Promise((wake) => setTimeout(wake, 100));
    }
    // The first token is long expired: a reconnect must take the one renewal wrote.
    expect(await rig.service.app.get(LinkedAccounts).accessToken(accountIds[ALICE])).not.toBe(
      firstToken,
    );
    const droppedAt = Date.now();
    expect(rig.sim.dropAccountConnections(ALICE)).toBe(1);
    await waitFor(() => rig.sim.accountConnections(ALICE)[0]?.openedAt >= droppedAt, 10_000);
    expect(rig.sim.emitStatus(device(PLUG))).toBe(1);
    sent += 1;

    const live = (events: StatusEvent[]) =>
      events.filter((event) => event.source.snapshot === undefined);
    const { events } = await statusEvents(PLUG, (read) => live(read).length >= sent + 1);
    // Every status the socket carried is an event (the first test's one included), none twice.
    expect(live(events)).toHaveLength(sent + 1);
    expect(rig.sim.peakAccountConnections(ALICE)).toBe(1);
  });

  it('sends a command on the account socket, with a trid, and refuses control on a read-only link', async () => {
    // The read-only account's device is known from its snapshot.
    await eventually(async () => {
      expect((await call('GET', `/v1/devices/${RELAY}`, keys.acmeControl)).status).toBe(200);
      expect(
        await metricValue(
          rig.service.managementUrl,
          'shelly_ingest_account_sessions',
          'state="up"',
        ),
      ).toBe(4);
    }, 15_000);
    const before = rig.sim.accountCommands.length;
    const answer = await call('POST', `/v1/devices/${PLUG}/commands`, keys.acmeControl, {
      type: 'relay',
      channel: 0,
      action: 'on',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.trid).toEqual(expect.any(Number));
    expect(rig.sim.accountCommands.slice(before)).toEqual([
      expect.objectContaining({ userId: ALICE, cmd: 'relay', trid: answer.body.trid }),
    ]);

    const refused = await call('POST', `/v1/devices/${RELAY}/commands`, keys.acmeControl, {
      type: 'relay',
      channel: 0,
      action: 'on',
    });
    expect([refused.status, refused.body.code]).toEqual([403, 'consent_read_only']);
    expect(rig.sim.accountCommands.slice(before)).toHaveLength(1);
  });

  it('sends a command through the Cloud Control API while the socket is down', async () => {
    rig.sim.faults.refuseConnections(HOST, 60_000);
    try {
      rig.sim.dropAccountConnections(CAROL);
      await eventually(async () => {
        expect(
          await metricValue(
            rig.service.managementUrl,
            'shelly_ingest_account_sessions',
            'state="down"',
          ),
        ).toBeGreaterThanOrEqual(1);
      }, 10_000);
      const calls = rig.sim.cloudCalls.length;

      const answer = await call('POST', `/v1/devices/${ROLLER}/commands`, keys.acmeControl, {
        type: 'roller',
        channel: 0,
        action: 'close',
      });

      expect([answer.status, answer.body.trid, answer.body.outcome]).toEqual([200, null, 'ok']);
      expect(rig.sim.cloudCalls.slice(calls)).toEqual([
        expect.objectContaining({ path: '/v2/devices/api/set/cover', status: 200, userId: CAROL }),
      ]);
      const toggle = await call('POST', `/v1/devices/${ROLLER}/commands`, keys.acmeControl, {
        type: 'relay',
        channel: 0,
        action: 'toggle',
      });
      expect([toggle.status, toggle.body.code]).toEqual([503, 'host_session_down']);
    } finally {
      rig.sim.faults.clear();
    }
    await waitFor(() => socketUp(CAROL), 10_000);
  });

  it('unlinks an account: its socket closes, its token and devices are gone', async () => {
    const id = accountIds[CAROL];

    const answer = await call('DELETE', `/v1/accounts/${id}`, keys.acmeControl);

    expect(answer.status).toBe(200);
    await waitFor(() => rig.sim.accountConnections(CAROL).length === 0, 10_000);
    expect(await rig.service.app.get(LinkedAccounts).accessToken(id)).toBeNull();
    const { rows } = await sql(
      rig.service.databaseUrl,
      'SELECT 1 FROM account_device WHERE account_id = $1',
      [id],
    );
    expect(rows).toEqual([]);
    expect((await call('GET', `/v1/devices/${ROLLER}`, keys.acmeControl)).status).toBe(404);
  });

  it('stops the session of an account whose renewal Shelly refuses, marking it relink_required', async () => {
    rig.sim.faults.refuseTokenRenewal(true);
    try {
      await waitFor(() => rig.sim.accountConnections(ALICE).length === 0, 15_000);
      const shown = await call('GET', `/v1/accounts/${accountIds[ALICE]}`, keys.acmeControl);
      expect(shown.body.status).toBe('relink_required');
      const events = await readTopic(kafkaBrokers, rig.topics.consent, (messages) =>
        messages.some(
          (message) =>
            message.key === accountIds[ALICE] &&
            message.headers.ce_type === 'account.relink_required.v1',
        ),
      );
      expect(events.some((message) => message.key === accountIds[ALICE])).toBe(true);
    } finally {
      rig.sim.faults.refuseTokenRenewal(false);
    }
  });
});
