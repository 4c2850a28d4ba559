import { RunningService } from '../support/app';
import { startDatabaseProxy, DatabaseProxy } from '../support/database-proxy';
import { waitFor } from '../support/eventually';
import { hostsUp, IngestRig, startIngestRig } from '../support/ingest';
import { readTopic } from '../support/kafka-reader';
import { metricValue } from '../support/metrics-scrape';
import { requireServices } from '../support/services';
import { ApiKeyStore } from '../../src/partners/api-key.store';

const { kafkaBrokers } = requireServices();
const HOSTS = Array.from({ length: 8 }, (_, i) => `shelly-${101 + i}-eu.shelly.cloud`);
const TTL_MS = 3_000;

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

  it('passes a command, an RPC call and a settings request on to the replica that holds the host, once', async () => {
    rig = await startIngestRig({
      simulator: {
        hosts: HOSTS,
        fleet: { devices: HOSTS.map((host) => ({ model: 'SNSW-001P16EU', host })) },
      },
      env: { SESSION_LEASE_TTL_MS: String(TTL_MS), CONTROL_RATE_PER_KEY: '0' },
    });
    const holder = await rig.startReplica();
    await rig.grantAll();
    await waitFor(() => servedOnceEach([rig!.service, holder]), 20_000);
    await rig.waitForResync();
    const device = rig.sim.devices.find((d) => hostsUp(holder).includes(d.host))!;
    const { key } = await rig.service.app
      .get(ApiKeyStore)
      .create('partner', ['read', 'control'], { partnerId: 'default' });
    const ask = (
      method: string,
      path: string,
      body?: object,
      headers: Record<string, string> = {},
    ) =>
      fetch(`${rig!.service.url}/v1/devices/${device.identity.id}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
        body: body && JSON.stringify(body),
      });
    const sentBefore = rig.sim.commands.length;

    const command = { type: 'relay', channel: 0, action: 'on' };
    const first = await ask('POST', '/commands', command, { 'idempotency-key': 'once-only' });
    expect(first.status).toBe(200);
    const again = await ask('POST', '/commands', command, { 'idempotency-key': 'once-only' });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(rig.sim.commands.slice(sentBefore).map((c) => c.host)).toEqual([device.host]);

    const rpc = await ask('POST', '/rpc', { method: 'Switch.GetStatus', params: { id: 0 } });
    expect(rpc.status).toBe(200);
    const settings = await ask('GET', '/settings');
    expect(settings.status).toBe(200);
    expect(((await settings.json()) as { device: string }).device).toBe(device.identity.id);
    // An error of the holder comes back as it is.
    const refused = await ask('POST', '/commands', { type: 'relay', channel: 0, action: 'fly' });
    expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([
      400,
      'invalid_body',
    ]);
  });
});
