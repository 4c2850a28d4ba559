import { ShellySimulator } from '../../src/simulator/simulator.server';
import type { SimulatorOptions } from '../../src/simulator/simulator.types';
import { linkAccount } from './account-link';
import { Frame, SocketClient } from './socket-client';

const HOME = 'shelly-43-eu.shelly.cloud';
const OTHER_HOST = 'shelly-77-eu.shelly.cloud';
const PLUGS = Array.from({ length: 11 }, (_, index) => `a8032abe4${(0x100 + index).toString(16)}`);
const COVER = '485519999340';
const DIMMER = 'e8db84aa0001';
const NEIGHBOURS_PLUG = 'cc7b5c0c5d9c';
const ACCOUNT = 6550;
const NEIGHBOUR = 7001;

/** The ids of a v2 `get` answer, an array. */
function idsOf(answer: Frame): string[] {
  return (answer as unknown as Frame[]).map((device) => String(device.id));
}

describe('Cloud Control HTTP API of a linked account', () => {
  let now: number;
  let simulator: ShellySimulator;
  let token: string;
  let client: SocketClient | undefined;

  async function start(options: Partial<SimulatorOptions> = {}) {
    now = Date.UTC(2025, 2, 2, 10, 0, 0);
    simulator = await ShellySimulator.start({
      integrators: [{ tag: 'ITG_ACME', token: 'secret' }],
      hosts: [HOME, OTHER_HOST],
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
      clock: () => now,
      seed: 5,
      ...options,
    });
    token = (await linkAccount(simulator, ACCOUNT, HOME)).accessToken;
  }

  /** One call, a second after the previous one, so that the rate limit lets it through. */
  async function call(
    path: string,
    body?: unknown,
    options: { bearer?: string; host?: string; method?: string; sameSecond?: boolean } = {},
  ): Promise<{ status: number; body: Frame }> {
    if (!options.sameSecond) now += 1000;
    const response = await fetch(`${simulator.cloudUrl(options.host ?? HOME)}${path}`, {
      method: options.method ?? 'POST',
      headers: {
        authorization: `Bearer ${options.bearer ?? token}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Frame };
  }

  afterEach(async () => {
    client?.close();
    client = undefined;
    await simulator.stop();
  });

  describe('with the documented errors', () => {
    beforeEach(() => start());

    it('gets the account’s devices in pages of up to ten ids and refuses eleven', async () => {
      const first = await call('/v2/devices/api/get', { ids: PLUGS.slice(0, 10) });
      const second = await call('/v2/devices/api/get', { ids: PLUGS.slice(10) });
      const eleven = await call('/v2/devices/api/get', { ids: PLUGS });

      expect(first.status).toBe(200);
      expect(idsOf(first.body)).toEqual(PLUGS.slice(0, 10));
      expect(second.body).toEqual([
        { id: PLUGS[10], type: 'relay', code: 'SNSW-001P16EU', gen: 'G2', online: 1 },
      ]);
      expect(eleven.status).toBe(400);
      expect(eleven.body).toEqual({
        error: 'BAD_REQUEST',
        data: { messages: ['ids must hold 1 to 10 device ids'] },
      });
    });

    it('leaves devices of other accounts out of a get', async () => {
      const { body } = await call('/v2/devices/api/get', {
        ids: [PLUGS[0], NEIGHBOURS_PLUG],
        select: ['status'],
      });

      expect(idsOf(body)).toEqual([PLUGS[0]]);
      expect(body[0].status['switch:0']).toMatchObject({ id: 0 });
    });

    it('answers 429 to a second request within a second, per account', async () => {
      const neighbourToken = (await linkAccount(simulator, NEIGHBOUR, HOME)).accessToken;
      const first = await call('/device/all_status');
      now += 999;
      const tooSoon = await call('/device/all_status', undefined, { sameSecond: true });
      const neighbours = await call('/device/all_status', undefined, {
        sameSecond: true,
        bearer: neighbourToken,
      });
      now += 1;
      const nextSecond = await call('/device/all_status', undefined, { sameSecond: true });

      expect(first.status).toBe(200);
      expect(tooSoon).toEqual({
        status: 429,
        body: { isok: false, errors: { max_req: 'Request limit reached' } },
      });
      expect(neighbours.status).toBe(200);
      expect(nextSecond.status).toBe(200);
      expect(
        simulator.cloudCalls.filter((made) => made.userId === ACCOUNT).map((made) => made.status),
      ).toEqual([200, 429, 200]);
    });

    it('switches the device with set/switch and sends its new status on the account socket', async () => {
      client = await SocketClient.connect(simulator.wsUrl(HOME, token));
      const wasOn = simulator.device(PLUGS[3]).state.relays[0].on;

      const set = await call('/v2/devices/api/set/switch', { id: PLUGS[3], on: !wasOn });
      const frame = await client.next((received) => received.event === 'Shelly:StatusOnChange');

      expect(set).toEqual({ status: 200, body: { isok: true } });
      expect(simulator.device(PLUGS[3]).state.relays[0].on).toBe(!wasOn);
      expect(frame.device.id).toBe(String(parseInt(PLUGS[3], 16)));
      expect(frame.status['switch:0'].output).toBe(!wasOn);
    });

    it('moves a cover to a position with set/cover', async () => {
      const set = await call('/v2/devices/api/set/cover', { id: COVER, position: 35 });
      const { body } = await call('/v2/devices/api/get', {
        ids: [COVER],
        select: ['status'],
        pick: { status: ['cover:0'] },
      });

      expect(set.status).toBe(200);
      expect(body[0].status['cover:0'].current_pos).toBe(35);
    });

    it('dims a light with set/light', async () => {
      const set = await call('/v2/devices/api/set/light', { id: DIMMER, on: true, brightness: 25 });

      expect(set.status).toBe(200);
      expect(simulator.device(DIMMER).state.lights[0]).toMatchObject({ on: true, brightness: 25 });
    });

    it.each([
      [
        'an offline device',
        () => simulator.setOnline(PLUGS[0], false),
        { id: PLUGS[0], on: true },
        400,
        'DEVICE_OFFLINE',
      ],
      [
        'another account’s device',
        () => undefined,
        { id: NEIGHBOURS_PLUG, on: true },
        404,
        'DEVICE_NOT_FOUND',
      ],
      [
        'a channel the device lacks',
        () => undefined,
        { id: PLUGS[0], channel: 3, on: true },
        400,
        'DEVICE_INVALID_CHANNEL',
      ],
      ['no on', () => undefined, { id: PLUGS[0] }, 400, 'BAD_REQUEST'],
    ])('refuses set/switch for %s', async (_case, arrange, body, status, error) => {
      arrange();

      const refused = await call('/v2/devices/api/set/switch', body);

      expect(refused.status).toBe(status);
      expect(refused.body.error).toBe(error);
    });

    it('refuses set/cover on a device without a cover as being in the wrong mode', async () => {
      const refused = await call('/v2/devices/api/set/cover', { id: PLUGS[0], position: 'open' });

      expect(refused).toMatchObject({ status: 400, body: { error: 'DEVICE_INVALID_MODE' } });
    });

    it('answers v1 status, all_status and the device list in the cloud envelope', async () => {
      const status = await call(`/device/status?id=${PLUGS[0].toUpperCase()}`, undefined, {
        method: 'GET',
      });
      const all = await call('/device/all_status');
      const lists = await call('/interface/device/get_all_lists');

      expect(status.body).toMatchObject({
        isok: true,
        data: { online: true, device_status: { id: PLUGS[0], code: 'SNSW-001P16EU' } },
      });
      expect(Object.keys(all.body.data.devices_status)).toHaveLength(13);
      expect(all.body.data.devices_status[COVER]._dev_info).toEqual({
        id: COVER,
        gen: 'G2',
        code: 'SNSW-102P16EU',
        online: true,
      });
      expect(Object.keys(lists.body.data.devices)).not.toContain(NEIGHBOURS_PLUG);
    });

    it('answers a v1 status for a device not on the account with isok false', async () => {
      const { status, body } = await call(`/device/status?id=${NEIGHBOURS_PLUG}`, undefined, {
        method: 'GET',
      });

      expect(status).toBe(200);
      expect(body).toMatchObject({ isok: false, errors: { device_not_found: expect.any(String) } });
    });

    it('answers 401 invalid_token without a valid token, and once the token expired', async () => {
      const forged = await call('/device/all_status', undefined, { bearer: 'forged' });
      now += 12 * 3600 * 1000;
      const expired = await call('/device/all_status');

      expect(forged).toEqual({
        status: 401,
        body: { isok: false, errors: { invalid_token: 'token invalid' } },
      });
      expect(expired).toEqual({
        status: 401,
        body: { isok: false, errors: { invalid_token: 'token expired' } },
      });
    });

    it('refuses calls on a host that is not the account’s home', async () => {
      const { status, body } = await call('/device/all_status', undefined, { host: OTHER_HOST });

      expect(status).toBe(401);
      expect(body).toEqual({ isok: false, errors: { wrong_host: HOME } });
    });
  });

  describe('with the observed errors', () => {
    beforeEach(() => start({ cloudControlErrors: 'isok-false' }));

    it('refuses a control call with HTTP 200 and isok false', async () => {
      simulator.setOnline(PLUGS[0], false);

      const refused = await call('/v2/devices/api/set/switch', { id: PLUGS[0], on: true });

      expect(refused).toEqual({ status: 200, body: { isok: false } });
    });
  });
});
