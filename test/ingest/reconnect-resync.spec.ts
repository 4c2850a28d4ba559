import { ConsentStore } from '../../src/consent/consent.store';
import { SessionManager } from '../../src/shelly/session-manager';
import { SimulatedDevice } from '../../src/simulator/simulated-device';
import { ControlRig, OWNER, startControlRig } from '../support/control';
import { eventually, waitFor } from '../support/eventually';
import { readTopic, ReadMessage } from '../support/kafka-reader';
import { metricValue } from '../support/metrics-scrape';
import { requireServices } from '../support/services';

const { kafkaBrokers } = requireServices();

const HOST = 'shelly-103-eu.shelly.cloud';
const OTHER_HOST = 'shelly-77-eu.shelly.cloud';
const toggle = { type: 'relay', channel: 0, action: 'toggle' };

describe('resync after a reconnect', () => {
  let rig: ControlRig | undefined;

  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  async function start(hosts = [HOST], env: Record<string, string> = {}): Promise<ControlRig> {
    rig = await startControlRig({
      models: ['SHSW-1', 'SNSW-001P16EU'],
      simulator: { hosts },
      env,
    });
    return rig;
  }

  /** The socket to `host` drops and stays down while `whileDown` runs, then comes back. */
  async function reconnect(
    r: ControlRig,
    whileDown: () => void = () => undefined,
  ): Promise<number> {
    const sessions = r.service.app.get(SessionManager);
    r.sim.faults.refuseConnections(HOST, 60_000);
    r.sim.faults.dropConnection(HOST);
    await waitFor(() => !sessions.isUp(HOST), 5_000);
    const droppedAt = Date.now();
    whileDown();
    r.sim.faults.refuseConnections(HOST, 0);
    await waitFor(() => sessions.isUp(HOST), 10_000);
    return droppedAt;
  }

  const verifiedSince = (r: ControlRig, since: number): string[] =>
    r.sim.actions
      .filter((a) => a.at >= since && (a.request as { action?: string }).action === 'DeviceVerify')
      .map((a) => (a.request as { deviceId: string }).deviceId)
      .sort();

  const decimalIds = (devices: readonly SimulatedDevice[]) =>
    devices.map((d) => d.identity.deviceId).sort();

  const consentEvents = (r: ControlRig, done: (m: ReadMessage[]) => boolean) =>
    readTopic(kafkaBrokers, r.topics.consent, done, 15_000);

  it('verifies every consented device of the host and refreshes a device that came online meanwhile', async () => {
    const r = await start();
    const [relay] = r.sim.devices;
    r.sim.setOnline(relay, false);
    await eventually(async () => {
      expect((await r.command(relay.identity.id, toggle)).body.code).toBe('device_offline');
    }, 5_000);

    const droppedAt = await reconnect(r, () => expect(r.sim.setOnline(relay, true)).toBe(0));

    await waitFor(() => verifiedSince(r, droppedAt).length === r.sim.devices.length, 10_000);
    expect(verifiedSince(r, droppedAt)).toEqual(decimalIds(r.sim.devices));
    await eventually(async () => {
      expect((await r.command(relay.identity.id, toggle)).status).toBe(200);
    }, 5_000);
    const statuses = await readTopic(kafkaBrokers, r.topics.deviceStatus, (messages) =>
      messages.some(
        (m) =>
          m.key === relay.identity.id &&
          (m.value as { source: { resync?: boolean } }).source.resync === true,
      ),
    );
    expect(statuses.length).toBeGreaterThan(0);
    expect(
      await metricValue(
        r.service.managementUrl,
        'shelly_ingest_resync_verify_outcomes_total',
        `host="${HOST}",result="ok"`,
      ),
    ).toBeGreaterThanOrEqual(r.sim.devices.length);
  });

  it('applies a scope lowered upstream: control is refused afterwards', async () => {
    const r = await start();
    const [relay] = r.sim.devices;
    await r.sim.grantConsent(relay, { userId: OWNER, accessGroups: '00' }, { callbackLost: true });
    // Until the service learns of it, the cloud refuses the command itself.
    expect((await r.command(relay.identity.id, toggle)).body.code).toBe('device_refused');

    await reconnect(r);

    await eventually(async () => {
      expect((await r.command(relay.identity.id, toggle)).body.code).toBe('consent_read_only');
    }, 10_000);
    const history = await r.service.app.get(ConsentStore).history(relay.identity.id);
    expect(history.at(-1)).toMatchObject({
      change: 'scope_changed',
      scope: 'read',
      previousScope: 'control',
      callback: null,
      verification: { source: 'resync', answer: { result: 'OK', accessGroups: '00' } },
    });
    await consentEvents(r, (messages) =>
      messages.some(
        (m) =>
          m.key === relay.identity.id &&
          (m.value as { type: string }).type === 'consent.scope_changed.v1',
      ),
    );
  });

  it('applies a revoke upstream: the consent is revoked with its event and the device is gone', async () => {
    const r = await start();
    const [relay, other] = r.sim.devices;
    await r.sim.revokeConsent(relay, { callbackLost: true });

    await reconnect(r);

    await eventually(async () => {
      expect((await r.get(`/v1/devices/${relay.identity.id}`)).status).toBe(404);
    }, 10_000);
    expect((await r.get(`/v1/devices/${other.identity.id}`)).status).toBe(200);
    const history = await r.service.app.get(ConsentStore).history(relay.identity.id);
    expect(history.at(-1)).toMatchObject({
      change: 'revoked',
      verification: { source: 'resync', answer: { result: 'UNAUTHORIZED' } },
    });
    const isRevoke = (m: ReadMessage) =>
      m.key === relay.identity.id && (m.value as { type: string }).type === 'consent.revoked.v1';
    const revoke = (await consentEvents(r, (messages) => messages.some(isRevoke))).find(isRevoke);
    // The revoke came through the host's session, whose resync found it.
    expect(revoke?.headers.ce_source).toBe(`urn:shelly-ingest:integrator:${HOST}`);
  });

  it('follows a tenant move: the device is served from its new host, events and commands alike', async () => {
    const r = await start([HOST, OTHER_HOST]);
    const [relay] = r.sim.devices;
    const sessions = r.service.app.get(SessionManager);
    r.sim.moveDevice(relay, OTHER_HOST);

    await reconnect(r);

    await waitFor(() => sessions.isUp(OTHER_HOST), 10_000);
    const view = await r.get(`/v1/devices/${relay.identity.id}`);
    expect(view.body.host).toBe(OTHER_HOST);
    expect(r.sim.emitStatus(relay)).toBe(1);
    await readTopic(kafkaBrokers, r.topics.deviceStatus, (messages) =>
      messages.some(
        (m) =>
          m.key === relay.identity.id &&
          (m.value as { source: { host: string; resync?: boolean } }).source.host === OTHER_HOST &&
          (m.value as { source: { resync?: boolean } }).source.resync === undefined,
      ),
    );
    const sent = r.sim.commands.length;
    expect((await r.command(relay.identity.id, toggle)).status).toBe(200);
    expect(r.sim.commands.slice(sent).map((c) => c.host)).toEqual([OTHER_HOST]);
  });

  it('follows a tenant move that a settings request learns of, without waiting for a reconnect', async () => {
    const r = await start([HOST, OTHER_HOST]);
    const [relay] = r.sim.devices;
    const sessions = r.service.app.get(SessionManager);
    await r.waitForResync();
    r.sim.moveDevice(relay, OTHER_HOST);

    const settings = await r.get(`/v1/devices/${relay.identity.id}/settings`);
    expect(settings.body).toMatchObject({ code: 'device_refused', reason: 'WRONG_HOST' });

    await waitFor(() => sessions.isUp(OTHER_HOST), 10_000);
    await eventually(async () => {
      expect((await r.get(`/v1/devices/${relay.identity.id}`)).body.host).toBe(OTHER_HOST);
    }, 10_000);
    expect((await r.get(`/v1/devices/${relay.identity.id}/settings`)).status).toBe(200);
  });

  it('asks again, instead of revoking, when a new grant is answered UNAUTHORIZED before the cloud applied it', async () => {
    const r = await start([HOST], { SHELLY_CONSENT_SETTLE_MS: '3000' });
    const [relay] = r.sim.devices;
    await r.sim.revokeConsent(relay);
    const grantedAt = Date.now();
    const verifiesOfRelay = () =>
      r.sim.actions.filter(
        (a) =>
          a.at >= grantedAt &&
          (a.request as { action?: string; deviceId?: string }).action === 'DeviceVerify' &&
          (a.request as { deviceId: string }).deviceId === relay.identity.deviceId,
      );

    const grant = await r.sim.grantConsent(relay, { userId: OWNER }, { appliedAfterMs: 1_500 });
    expect(grant.applied).toBe(true);

    await waitFor(() => verifiesOfRelay().some((a) => a.result === 'OK'), 15_000);
    expect(verifiesOfRelay()[0].result).toBe('UNAUTHORIZED');
    await r.waitForResync();
    expect((await r.get(`/v1/devices/${relay.identity.id}`)).status).toBe(200);
    const history = await r.service.app.get(ConsentStore).history(relay.identity.id);
    expect(history.at(-1)).toMatchObject({ change: 'granted' });
  });

  it('tries a verify that got no answer again, counts it, and shows the device pending until answered', async () => {
    const r = await start([HOST], { CONTROL_COMMAND_TIMEOUT_MS: '300' });
    r.sim.faults.dropCommandResponses(true);
    const droppedAt = await reconnect(r);

    await eventually(async () => {
      expect(
        await metricValue(
          r.service.managementUrl,
          'shelly_ingest_resync_verify_outcomes_total',
          `host="${HOST}",result="unanswered"`,
        ),
      ).toBeGreaterThanOrEqual(r.sim.devices.length);
    }, 20_000);
    const pending = () =>
      metricValue(r.service.managementUrl, 'shelly_ingest_resync_devices_pending');
    expect(await pending()).toBeGreaterThanOrEqual(r.sim.devices.length);

    r.sim.faults.dropCommandResponses(false);
    await waitFor(() => {
      const verifies = verifiedSince(r, droppedAt);
      return r.sim.devices.every(
        (d) => verifies.filter((id) => id === d.identity.deviceId).length >= 2,
      );
    }, 20_000);
    await eventually(async () => expect(await pending()).toBe(0), 20_000);
  });
});
