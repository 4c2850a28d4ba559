import { RunningService } from '../support/app';
import { startDatabaseProxy, DatabaseProxy } from '../support/database-proxy';
import { waitFor } from '../support/eventually';
import { IngestRig, startIngestRig } from '../support/ingest';
import { readTopic } from '../support/kafka-reader';
import { metricValue } from '../support/metrics-scrape';
import { requireServices } from '../support/services';
import { SessionManager } from '../../src/shelly/session-manager';

const { kafkaBrokers } = requireServices();
const HOSTS = Array.from({ length: 8 }, (_, i) => `shelly-${101 + i}-eu.shelly.cloud`);
const TTL_MS = 3_000;

/** The hosts whose session is up on this replica. */
function hostsUp(replica: RunningService): string[] {
  return replica.app
    .get(SessionManager)
    .states()
    .filter((s) => s.up)
    .map((s) => s.host);
}

/** Every host is up on exactly one of `replicas`. */
function servedOnceEach(replicas: readonly RunningService[]): boolean {
  const up = replicas.flatMap(hostsUp).sort();
  return JSON.stringify(up) === JSON.stringify([...HOSTS].sort());
}

describe('sessions shared by replicas through leases', () => {
  let rig: IngestRig | undefined;
  let proxy: DatabaseProxy | undefined;

  afterEach(async () => {
    await proxy?.restore();
    await rig?.stop();
    await proxy?.close();
    rig = undefined;
    proxy = undefined;
  });

  async function startThree(): Promise<RunningService[]> {
    rig = await startIngestRig({
      simulator: {
        hosts: HOSTS,
        fleet: { devices: HOSTS.map((host) => ({ model: 'SHSW-1', host })) },
      },
      env: { SESSION_LEASE_TTL_MS: String(TTL_MS) },
    });
    return [rig.service, await rig.startReplica(), await rig.startReplica()];
  }

  it('spreads the hosts evenly, one socket each, and hands a stopping replica’s hosts over', async () => {
    const replicas = await startThree();
    await rig!.grantAll();

    await waitFor(() => servedOnceEach(replicas), 20_000);
    const share = Math.ceil(HOSTS.length / replicas.length);
    for (const replica of replicas) {
      expect(hostsUp(replica).length).toBeLessThanOrEqual(share + 1);
      expect(hostsUp(replica).length).toBeGreaterThan(0);
    }

    const [, leaving, staying] = replicas;
    const handedOver = hostsUp(leaving);
    await leaving.stop();
    await waitFor(() => servedOnceEach([replicas[0], staying]), 20_000);

    for (const host of HOSTS) expect(rig!.sim.peakConnections(host)).toBe(1);
    // Events of a host that changed replica flow from its new holder.
    const device = rig!.sim.devices.find((d) => d.host === handedOver[0])!;
    expect(rig!.sim.emitStatus(device)).toBe(1);
    await readTopic(kafkaBrokers, rig!.topics.deviceStatus, (messages) =>
      messages.some(
        (m) =>
          m.key === device.identity.id &&
          (m.value as { source: { resync?: boolean } }).source.resync === undefined,
      ),
    );
    expect(await metricValue(staying.managementUrl, 'shelly_ingest_session_keys_owned')).toBe(
      hostsUp(staying).length,
    );
  });

  it('stops the sessions of a replica cut off from the database before another takes them over', async () => {
    rig = await startIngestRig({
      simulator: {
        hosts: HOSTS,
        fleet: { devices: HOSTS.map((host) => ({ model: 'SHSW-1', host })) },
      },
      env: { SESSION_LEASE_TTL_MS: String(TTL_MS) },
    });
    proxy = await startDatabaseProxy(rig.service.databaseUrl);
    const cutOff = await rig.startReplica({ DATABASE_URL: proxy.url });
    await rig.grantAll();
    await waitFor(() => servedOnceEach([rig!.service, cutOff]), 20_000);
    expect(hostsUp(cutOff).length).toBeGreaterThan(0);

    await proxy.refuse();

    await waitFor(() => hostsUp(cutOff).length === 0, TTL_MS * 2);
    await waitFor(() => servedOnceEach([rig!.service]), TTL_MS * 3);
    for (const host of HOSTS) expect(rig.sim.peakConnections(host)).toBe(1);
    expect(
      await metricValue(
        rig.service.managementUrl,
        'shelly_ingest_session_leases_acquired_total',
        'how="takeover"',
      ),
    ).toBeGreaterThan(0);
  });
});
