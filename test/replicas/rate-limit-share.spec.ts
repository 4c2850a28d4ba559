import { RunningService } from '../support/app';
import { waitFor } from '../support/eventually';
import { hostsUp, IngestRig, startIngestRig } from '../support/ingest';
import { LiveReplicas } from '../../src/common/live-replicas';
import { ApiKeyStore } from '../../src/partners/api-key.store';

const HOSTS = ['shelly-101-eu.shelly.cloud', 'shelly-102-eu.shelly.cloud'];
const PARTNER_BURST = 4;
const AUTH_FAILURE_BURST = 4;
const CALLBACK_BURST = 6;
const on = { type: 'relay', channel: 0, action: 'on' };

/**
 * Each replica enforces its share of a per-client limit, so that the replicas together hold the
 * limit: with two replicas, a burst of 4 is 2 on each.
 */
describe('rate limits shared by two replicas', () => {
  let rig: IngestRig;
  let replicas: RunningService[];

  beforeAll(async () => {
    rig = await startIngestRig({
      simulator: {
        hosts: HOSTS,
        fleet: { devices: HOSTS.map((host) => ({ model: 'SHSW-1', host })) },
      },
      env: {
        SESSION_LEASE_TTL_MS: '3000',
        CONTROL_RATE_PER_PARTNER: '0.001',
        CONTROL_BURST_PER_PARTNER: String(PARTNER_BURST),
        CONTROL_RATE_PER_KEY: '0',
        CONTROL_RATE_PER_DEVICE: '0',
        AUTH_FAILURE_RATE_PER_IP: '0.001',
        AUTH_FAILURE_BURST_PER_IP: String(AUTH_FAILURE_BURST),
        CONSENT_CALLBACK_RATE_PER_IP: '0.001',
        CONSENT_CALLBACK_BURST_PER_IP: String(CALLBACK_BURST),
        // The consent callbacks below come from an address of their own, not the grants'.
        TRUST_PROXY_HOPS: '1',
      },
    });
    replicas = [rig.service, await rig.startReplica()];
    await rig.grantAll();
    // One host on each replica, and each replica counts both.
    await waitFor(
      () =>
        replicas.every((replica) => hostsUp(replica).length === 1) &&
        replicas.every((replica) => replica.app.get(LiveReplicas).count() === 2),
      20_000,
    );
    await rig.waitForResync();
  });

  afterAll(() => rig?.stop());

  it('accepts the partner’s burst in total from requests spread over both, though one replica holds the device’s host', async () => {
    const { key } = await rig.service.app
      .get(ApiKeyStore)
      .create('partner', ['control'], { partnerId: 'default' });
    const [device] = rig.sim.devices;
    const sentBefore = rig.sim.commands.length;
    const command = (replica: RunningService, headers: Record<string, string> = {}) =>
      fetch(`${replica.url}/v1/devices/${device.identity.id}/commands`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          ...headers,
        },
        body: JSON.stringify(on),
      });

    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await command(replicas[i % 2])).status);

    // Each replica reached took its share; the one that does not hold the host passed its share on.
    expect(statuses.filter((s) => s === 200)).toHaveLength(PARTNER_BURST);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10 - PARTNER_BURST);
    expect(rig.sim.commands.slice(sentBefore).map((c) => c.host)).toEqual(
      Array.from({ length: PARTNER_BURST }, () => device.host),
    );
    // A caller cannot pass for a replica that took the limits already.
    const holder = replicas.find((replica) => hostsUp(replica).includes(device.host))!;
    const forged = await command(holder, { 'shelly-ingest-forwarded': '00'.repeat(32) });
    expect(forged.status).toBe(429);
  });

  it('answers at most the failed-authentication burst of one address in total with 401, each replica its share', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await fetch(`${replicas[i % 2].url}/v1/devices`, {
        headers: { authorization: 'Bearer sik_unknown_0000000000000000' },
      });
      statuses.push(response.status);
    }

    expect(statuses.filter((s) => s === 401)).toHaveLength(AUTH_FAILURE_BURST);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10 - AUTH_FAILURE_BURST);
    expect(statuses.slice(0, AUTH_FAILURE_BURST).every((s) => s === 401)).toBe(true);
  });

  it('lets at most the consent-callback burst of one address through in total, each replica its share', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await fetch(`${replicas[i % 2].url}/v1/shelly/consent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
        body: '{}',
      });
      statuses.push(response.status);
    }

    expect(statuses.filter((s) => s === 429)).toHaveLength(10 - CALLBACK_BURST);
    expect(statuses.slice(0, CALLBACK_BURST).every((s) => s !== 429)).toBe(true);
  });
});
