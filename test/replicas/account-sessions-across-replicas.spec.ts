import { ApiKeyStore } from '../../src/partners/api-key.store';
import { PartnerStore } from '../../src/partners/partner.store';
import { accountSessionKey } from '../../src/shelly/session-key';
import { SessionManager } from '../../src/shelly/session-manager';
import type { RunningService } from '../support/app';
import { accountLinkingEnv, linkThroughService, OAUTH_CLIENT } from '../support/account-links';
import { callService } from '../support/service-api';
import { eventually, waitFor } from '../support/eventually';
import { IngestRig, startIngestRig } from '../support/ingest';

const HOST = 'shelly-103-eu.shelly.cloud';
const USERS = [7101, 7102, 7103, 7104, 7105, 7106];
const deviceOf = (userId: number) => `c45bbe6a${userId.toString(16).padStart(4, '0')}`;

describe('sessions of linked accounts across replicas', () => {
  let rig: IngestRig;
  let replicas: RunningService[];
  let key: string;
  const accountIds = new Map<number, string>();

  beforeAll(async () => {
    rig = await startIngestRig({
      simulator: {
        hosts: [HOST],
        fleet: {
          devices: USERS.map((userId) => ({ model: 'SHSW-1', id: deviceOf(userId), host: HOST })),
        },
        accounts: USERS.map((userId) => ({ userId, devices: [deviceOf(userId)] })),
        oauthClients: [OAUTH_CLIENT],
      },
      env: {
        ...accountLinkingEnv(),
        SESSION_LEASE_TTL_MS: '3000',
      },
    });
    replicas = [rig.service, await rig.startReplica()];
    await rig.service.app.get(PartnerStore).create('acme', 'Acme Energy');
    key = (
      await rig.service.app.get(ApiKeyStore).create('acme', ['read', 'control'], {
        partnerId: 'acme',
      })
    ).key;
    for (const userId of USERS) {
      const linked = await linkThroughService(rig.service.url, key, 'control', userId);
      expect(linked.status).toBe(200);
      accountIds.set(userId, (linked.body.account as { id: string }).id);
    }
  });

  afterAll(async () => {
    await rig?.stop();
  });

  /** The replicas whose session of the user's account is up. */
  const holdersOf = (userId: number) =>
    replicas.filter((replica) =>
      replica.app.get(SessionManager).isUp(accountSessionKey(accountIds.get(userId)!)),
    );

  it("holds each account's socket on exactly one replica, spread over both", async () => {
    await waitFor(
      () =>
        USERS.every((userId) => holdersOf(userId).length === 1) &&
        replicas.every((replica) => USERS.some((userId) => holdersOf(userId)[0] === replica)),
      20_000,
    );
    for (const userId of USERS) {
      expect(rig.sim.accountConnections(userId)).toHaveLength(1);
      expect(rig.sim.peakAccountConnections(userId)).toBe(1);
    }
  });

  it('passes a command for a device of an account held by the other replica on to it', async () => {
    const userId = USERS.find((user) => holdersOf(user)[0] === replicas[1])!;
    // The holder's snapshot on connect records the account's devices, for every replica.
    await eventually(async () => {
      const shown = await callService(
        replicas[0].url,
        'GET',
        `/v1/devices/${deviceOf(userId)}`,
        key,
      );
      expect(shown.status).toBe(200);
    }, 10_000);
    const before = rig.sim.accountCommands.length;

    const answer = await callService(
      replicas[0].url,
      'POST',
      `/v1/devices/${deviceOf(userId)}/commands`,
      key,
      { type: 'relay', channel: 0, action: 'on' },
    );

    expect([answer.status, typeof answer.body.trid]).toEqual([200, 'number']);
    expect(rig.sim.accountCommands.slice(before)).toEqual([
      expect.objectContaining({ userId, trid: answer.body.trid }),
    ]);
  });

  it('closes the socket on the replica that holds it when the account is unlinked on another', async () => {
    const userId = USERS.find((user) => holdersOf(user)[0] === replicas[1])!;

    const answer = await callService(
      replicas[0].url,
      'DELETE',
      `/v1/accounts/${accountIds.get(userId)}`,
      key,
    );

    expect(answer.status).toBe(200);
    await waitFor(() => rig.sim.accountConnections(userId).length === 0, 10_000);
    expect(holdersOf(userId)).toEqual([]);
  });
});
