import { SessionManager } from '../../src/shelly/session-manager';
import { eventually, waitFor } from '../support/eventually';
import { IngestRig, startIngestRig } from '../support/ingest';
import { topicMessageCount } from '../support/kafka-reader';
import { metricValue } from '../support/metrics-scrape';
import { requireServices } from '../support/services';

const { kafkaBrokers } = requireServices();

describe('integrator session recovery', () => {
  let rig: IngestRig | undefined;

  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  async function startGranted(
    options: Parameters<typeof startIngestRig>[0] = {},
  ): Promise<IngestRig> {
    rig = await startIngestRig(options);
    await rig.grantAll();
    await rig.waitForSessions(rig.sim.hosts.length);
    return rig;
  }

  const openedAt = (r: IngestRig, host: string) => r.sim.connections(host)[0]?.openedAt;

  async function expectIngesting(r: IngestRig, host: string): Promise<void> {
    // The resync after the reconnect publishes states of its own; count from when it is done.
    await r.waitForResync();
    const before = await topicMessageCount(kafkaBrokers, r.topics.deviceStatus);
    const device = r.sim.devices.find((d) => d.host === host)!;
    expect(r.sim.emitStatus(device)).toBe(1);
    await eventually(async () => {
      expect(await topicMessageCount(kafkaBrokers, r.topics.deviceStatus)).toBe(before + 1);
    }, 10_000);
  }

  it('reconnects after the cloud drops the socket, and ingestion continues', async () => {
    const r = await startGranted();
    const host = r.sim.hosts[0];
    const first = openedAt(r, host);

    expect(r.sim.faults.dropConnection(host)).toBe(1);

    await waitFor(() => openedAt(r, host) !== undefined && openedAt(r, host) !== first, 10_000);
    await r.waitForSessions(r.sim.hosts.length);
    expect(
      await metricValue(
        r.service.managementUrl,
        'shelly_ingest_session_reconnects_total',
        `host="${host}"`,
      ),
    ).toBeGreaterThanOrEqual(1);
    await expectIngesting(r, host);
  });

  it('replaces a socket that stops answering pings', async () => {
    const r = await startGranted({ env: { SHELLY_PING_INTERVAL_MS: '300' } });
    const host = r.sim.hosts[1];
    const first = openedAt(r, host);

    r.sim.faults.freezeConnection(host);

    await waitFor(
      () => r.sim.connections(host).some((c) => c.openedAt !== first && !c.frozen),
      10_000,
    );
    await expectIngesting(r, host);
  });

  it.each(['http-401', 'close-4401'] as const)(
    'fetches a fresh token when the cloud refuses the cached one (%s)',
    async (expiredTokenHandling) => {
      let clockOffset = 0;
      const r = await startGranted({
        simulator: { expiredTokenHandling, clock: () => Date.now() + clockOffset },
      });
      const host = r.sim.hosts[0];
      const renewals = () =>
        metricValue(
          r.service.managementUrl,
          'shelly_ingest_token_renewals_total',
          'outcome="success"',
        );
      expect(await renewals()).toBe(1);

      // Two days pass in the cloud: the token the service holds has expired there.
      clockOffset = 2 * 24 * 3600 * 1000;
      r.sim.faults.dropConnection(host);

      await eventually(async () => expect(await renewals()).toBe(2), 10_000);
      await r.waitForSessions(r.sim.hosts.length);
      await expectIngesting(r, host);
    },
  );

  it('opens a session when a host gains its first consented device and closes it when it loses its last', async () => {
    const r = await startGranted();
    const host = r.sim.hosts[1];
    const onHost = r.sim.devices.filter((d) => d.host === host);
    const sessions = r.service.app.get(SessionManager);

    for (const device of onHost) await r.sim.revokeConsent(device);
    await waitFor(() => r.sim.connections(host).length === 0, 10_000);
    expect(sessions.states().map((s) => s.host)).toEqual([r.sim.hosts[0]]);

    await r.sim.grantConsent(onHost[0], { userId: 48213 });
    await waitFor(() => sessions.isUp(host), 10_000);
    expect(r.sim.connections(host)).toHaveLength(1);
    await expectIngesting(r, host);
  });
});
