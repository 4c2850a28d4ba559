import { CloudControlAccount, CloudControlClient } from '../../src/cloud-control';
import type { AppConfig } from '../../src/config';
import { Metrics } from '../../src/observability';
import { ShellySimulator } from '../../src/simulator/simulator.server';
import type { SimulatorOptions } from '../../src/simulator/simulator.types';
import { linkAccount } from '../simulator/account-link';

const HOME = 'shelly-43-eu.shelly.cloud';
const INTERVAL_MS = 1200;
const ACCOUNT = 6550;
const NEIGHBOUR = 7001;
const PLUGS = Array.from({ length: 23 }, (_, index) => `a8032abe4${(0x100 + index).toString(16)}`);
const COVER = '485519999340';
const DIMMER = 'e8db84aa0001';
const NEIGHBOURS_PLUG = 'cc7b5c0c5d9c';
const THIRTEEN_HOURS_MS = 13 * 3600 * 1000;

describe('Cloud Control client against the simulated cloud', () => {
  let simulator: ShellySimulator;
  let metrics: Metrics;
  let client: CloudControlClient;
  let clockSkewMs: number;

  async function start(options: Partial<SimulatorOptions> = {}): Promise<void> {
    clockSkewMs = 0;
    simulator = await ShellySimulator.start({
      integrators: [{ tag: 'ITG_ACME', token: 'secret' }],
      hosts: [HOME],
      fleet: {
        devices: [
          ...PLUGS.map((id) => ({ model: 'SNSW-001P16EU', id, host: HOME })),
          { model: 'SNSW-102P16EU', id: COVER, host: HOME },
          { model: 'SNDM-0013US', id: DIMMER, host: HOME },
          { model: 'SNSW-001P16EU', id: NEIGHBOURS_PLUG, host: HOME },
        ],
      },
      accounts: [
        { userId: ACCOUNT, devices: [...PLUGS, COVER, DIMMER] },
        { userId: NEIGHBOUR, devices: [NEIGHBOURS_PLUG] },
      ],
      clock: () => Date.now() + clockSkewMs,
      seed: 7,
      ...options,
    });
    metrics = new Metrics();
    client = new CloudControlClient(
      { shelly: { cloudControlIntervalMs: INTERVAL_MS } } as AppConfig,
      metrics,
    );
  }

  /** A linked account whose token provider hands out the latest token it was given. */
  async function linked(userId: number) {
    const holder = { token: (await linkAccount(simulator, userId, HOME)).accessToken };
    const account: CloudControlAccount = {
      id: String(userId),
      apiUrl: simulator.cloudUrl(HOME),
      accessToken: () => Promise.resolve(holder.token),
    };
    return { account, holder };
  }

  function callsOf(userId: number) {
    return simulator.cloudCalls.filter((call) => call.userId === userId);
  }

  async function counted(endpoint: string, outcome: string): Promise<number> {
    const { values } = await metrics.cloudControlRequests.get();
    return (
      values.find((entry) => entry.labels.endpoint === endpoint && entry.labels.outcome === outcome)
        ?.value ?? 0
    );
  }

  afterEach(() => simulator.stop());

  describe('with the documented errors', () => {
    beforeEach(() => start());

    it('takes a snapshot of 25 devices as the list and three gets, each call an interval after the previous one', async () => {
      const { account } = await linked(ACCOUNT);
      const neighbour = await linked(NEIGHBOUR);

      const [snapshot, neighbours] = await Promise.all([
        client.snapshot(account),
        client.snapshot(neighbour.account),
      ]);

      expect(snapshot.ok && snapshot.value.map((device) => device.id).sort()).toEqual(
        [...PLUGS, COVER, DIMMER].sort(),
      );
      expect(snapshot.ok && snapshot.value.every((device) => device.status !== null)).toBe(true);
      expect(snapshot.ok && snapshot.value.find((device) => device.id === COVER)).toMatchObject({
        model: 'SNSW-102P16EU',
        gen: 'G2',
        online: true,
        status: { 'cover:0': { id: 0 } },
      });
      expect(neighbours.ok && neighbours.value.map((device) => device.id)).toEqual([
        NEIGHBOURS_PLUG,
      ]);
      const calls = callsOf(ACCOUNT);
      expect(calls.map((call) => [call.path, call.status])).toEqual([
        ['/interface/device/get_all_lists', 200],
        ['/v2/devices/api/get', 200],
        ['/v2/devices/api/get', 200],
        ['/v2/devices/api/get', 200],
      ]);
      const gaps = calls.slice(1).map((call, index) => call.at - calls[index].at);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(INTERVAL_MS);
      // The neighbour did not wait for the account's turn.
      expect(callsOf(NEIGHBOUR)[0].at).toBeLessThan(calls[1].at);
    });

    it('switches the simulated relay with set/switch', async () => {
      const { account } = await linked(ACCOUNT);
      const wasOn = simulator.device(PLUGS[3]).state.relays[0].on;

      const result = await client.setSwitch(account, { id: PLUGS[3], on: !wasOn });

      expect(result).toEqual({ ok: true, value: undefined });
      expect(simulator.device(PLUGS[3]).state.relays[0].on).toBe(!wasOn);
      expect(await counted('set_switch', 'ok')).toBe(1);
    });

    it('moves the cover with set/cover and dims the light with set/light', async () => {
      const { account } = await linked(ACCOUNT);

      const cover = await client.setCover(account, { id: COVER, position: 35 });
      const light = await client.setLight(account, { id: DIMMER, on: true, brightness: 25 });

      expect([cover.ok, light.ok]).toEqual([true, true]);
      expect(simulator.device(COVER).state.rollers[0].pos).toBe(35);
      expect(simulator.device(DIMMER).state.lights[0]).toMatchObject({ on: true, brightness: 25 });
    });

    it('answers device_offline for an offline device, which stays as it was', async () => {
      const { account } = await linked(ACCOUNT);
      simulator.setOnline(PLUGS[0], false);
      const wasOn = simulator.device(PLUGS[0]).state.relays[0].on;

      const result = await client.setSwitch(account, { id: PLUGS[0], on: !wasOn });

      expect(result).toEqual({
        ok: false,
        error: 'device_offline',
        detail: 'HTTP 400 DEVICE_OFFLINE: the device is offline',
      });
      expect(simulator.device(PLUGS[0]).state.relays[0].on).toBe(wasOn);
      expect(await counted('set_switch', 'device_offline')).toBe(1);
    });

    it('answers unauthorized to an expired token without naming it, and goes on with the renewed one', async () => {
      const { account, holder } = await linked(ACCOUNT);
      const expired = holder.token;
      clockSkewMs = THIRTEEN_HOURS_MS;

      const refused = await client.listDevices(account);
      holder.token = (await linkAccount(simulator, ACCOUNT, HOME)).accessToken;
      const listed = await client.listDevices(account);

      expect(refused).toMatchObject({ ok: false, error: 'unauthorized' });
      expect(!refused.ok && refused.detail).toBe('HTTP 401 invalid_token');
      expect(JSON.stringify(refused)).not.toContain(expired);
      expect(listed.ok && Object.keys(listed.value)).toHaveLength(25);
      // The refused call names no account: its token was not valid.
      expect(simulator.cloudCalls.map((call) => [call.userId, call.status])).toEqual([
        [undefined, 401],
        [ACCOUNT, 200],
      ]);
    });

    it('retries a call the cloud answers with 429 after the budget was used elsewhere, and succeeds', async () => {
      const { account, holder } = await linked(ACCOUNT);
      const direct = await fetch(`${simulator.cloudUrl(HOME)}/interface/device/get_all_lists`, {
        method: 'POST',
        headers: { authorization: `Bearer ${holder.token}` },
      });

      const listed = await client.listDevices(account);

      expect(direct.status).toBe(200);
      expect(listed.ok && Object.keys(listed.value)).toHaveLength(25);
      expect(callsOf(ACCOUNT).map((call) => call.status)).toEqual([200, 429, 200]);
      expect([
        await counted('device_list', 'rate_limited'),
        await counted('device_list', 'ok'),
      ]).toEqual([1, 1]);
    });

    it('refuses a call beyond the account’s waiting bound and cancels the waiting ones of a forgotten account', async () => {
      const { account } = await linked(ACCOUNT);
      const calls = Array.from({ length: 51 }, (_, index) =>
        client.setSwitch(account, { id: PLUGS[index % PLUGS.length], on: true }),
      );

      const oneTooMany = await client.listDevices(account);
      client.forget(account.id);
      const results = await Promise.all(calls);

      expect(oneTooMany).toMatchObject({ ok: false, error: 'queue_full' });
      expect(results[0]).toEqual({ ok: true, value: undefined });
      expect(results.slice(1).every((result) => !result.ok && result.error === 'cancelled')).toBe(
        true,
      );
      expect(callsOf(ACCOUNT)).toHaveLength(1);
      expect(await counted('set_switch', 'cancelled')).toBe(50);
      expect((await metrics.cloudControlRequestsPending.get()).values[0].value).toBe(0);
    });

    it('answers invalid_request to a channel the device does not have', async () => {
      const { account } = await linked(ACCOUNT);

      const result = await client.setSwitch(account, { id: PLUGS[1], channel: 3, on: true });

      expect(result).toMatchObject({ ok: false, error: 'invalid_request' });
    });
  });

  describe('with refusals as observed, HTTP 200 {"isok":false}', () => {
    beforeEach(() => start({ cloudControlErrors: 'isok-false' }));

    it('answers a refusal for an offline device, which stays as it was, never a success', async () => {
      const { account } = await linked(ACCOUNT);
      simulator.setOnline(PLUGS[0], false);
      const wasOn = simulator.device(PLUGS[0]).state.relays[0].on;

      const result = await client.setSwitch(account, { id: PLUGS[0], on: !wasOn });

      expect(result).toEqual({ ok: false, error: 'refused', detail: 'HTTP 200' });
      expect(simulator.device(PLUGS[0]).state.relays[0].on).toBe(wasOn);
      expect(callsOf(ACCOUNT).map((call) => call.status)).toEqual([200]);
      expect(await counted('set_switch', 'refused')).toBe(1);
    });
  });
});
