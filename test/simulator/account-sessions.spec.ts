import { decodeJwt } from 'jose';
import { ShellySimulator } from '../../src/simulator/simulator.server';
import { waitFor } from '../support/eventually';
import { authorizationCode, linkAccount, logIn, oauthAuth, REDIRECT_URI } from './account-link';
import { handshakeOutcome, SocketClient } from './socket-client';

const HOME = 'shelly-43-eu.shelly.cloud';
const OTHER_HOST = 'shelly-77-eu.shelly.cloud';
const PLUG = 'a8032abe41fc';
const PLUG_DECIMAL = String(parseInt(PLUG, 16));
const NEIGHBOURS_PLUG = 'cc7b5c0c5d9c';
const TWELVE_HOURS_S = 43_200;

describe('accounts linked through OAuth and their Real Time Events sockets', () => {
  let now: number;
  let simulator: ShellySimulator;
  const clients: SocketClient[] = [];

  async function connect(token: string, host = HOME): Promise<SocketClient> {
    const client = await SocketClient.connect(simulator.wsUrl(host, token));
    clients.push(client);
    return client;
  }

  beforeEach(async () => {
    now = Date.UTC(2025, 0, 10, 12, 0, 0);
    simulator = await ShellySimulator.start({
      integrators: [{ tag: 'ITG_ACME', token: 'secret' }],
      hosts: [HOME, OTHER_HOST],
      fleet: {
        devices: [
          { model: 'SNSW-001P16EU', id: PLUG, host: HOME },
          { model: 'SNSW-001P16EU', id: NEIGHBOURS_PLUG, host: HOME },
        ],
      },
      accounts: [
        { userId: 6550, devices: [PLUG] },
        { userId: 7001, devices: [NEIGHBOURS_PLUG] },
      ],
      oauthClients: [{ clientId: 'acme-home', redirectUriPattern: 'https://acme\\.example/cb' }],
      clock: () => now,
      seed: 4,
    });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await simulator.stop();
  });

  it('sends the browser back to redirect_uri with a code naming the account’s home server', async () => {
    const { status, location } = await logIn(simulator, {
      client_id: 'shelly-diy',
      redirect_uri: REDIRECT_URI,
      state: 'xyz',
      user_id: '6550',
    });

    expect(status).toBe(302);
    expect(`${location?.origin}${location?.pathname}`).toBe(REDIRECT_URI);
    expect(location?.searchParams.get('state')).toBe('xyz');
    expect(decodeJwt(location?.searchParams.get('code') ?? '')).toMatchObject({
      sub: 'shelly-diy',
      user_id: '6550',
      user_api_url: `https://${HOME}`,
    });
  });

  it('appends state without URL-encoding it, as Shelly does', async () => {
    const { location } = await logIn(simulator, {
      client_id: 'shelly-diy',
      redirect_uri: REDIRECT_URI,
      state: 'a&b=c',
      user_id: '6550',
    });

    expect(location?.search).toMatch(/&state=a&b=c$/);
  });

  it.each([
    ['without redirect_uri', { client_id: 'shelly-diy', user_id: '6550' }],
    ['for an unknown client', { client_id: 'acme', redirect_uri: REDIRECT_URI, user_id: '6550' }],
  ])('refuses a login %s with Shelly’s message', async (_case, query) => {
    const { status, text } = await logIn(simulator, query);

    expect(status).toBe(400);
    expect(text).toBe('Wrong parameteres provided!');
  });

  it('lets a configured client redirect only where its pattern allows', async () => {
    const login = (redirect: string) =>
      logIn(simulator, { client_id: 'acme-home', redirect_uri: redirect, user_id: '6550' });

    const allowed = await login('https://acme.example/cb');
    const elsewhere = await login('https://acme.example/cb/../steal');

    expect(allowed.status).toBe(302);
    expect(allowed.location?.searchParams.get('code')).toBeTruthy();
    expect(elsewhere).toMatchObject({ status: 400, text: 'Wrong parameteres provided!' });
  });

  it('refuses to exchange a code for a client other than the one it was issued to', async () => {
    const { location } = await logIn(simulator, {
      client_id: 'acme-home',
      redirect_uri: 'https://acme.example/cb',
      user_id: '6550',
    });

    const exchange = await oauthAuth(simulator, HOME, {
      client_id: 'shelly-diy',
      grant_type: 'code',
      code: location?.searchParams.get('code') ?? '',
    });

    expect(exchange.body).toEqual({
      isok: false,
      errors: { invalid_grant: 'the code belongs to another client' },
    });
  });

  it('names the new home server in codes once the account’s tenant moved', async () => {
    simulator.moveDevice(PLUG, OTHER_HOST);

    const code = await authorizationCode(simulator, 6550);

    expect(decodeJwt(code).user_api_url).toBe(`https://${OTHER_HOST}`);
    expect(simulator.accounts.find((account) => account.userId === 6550)?.host).toBe(OTHER_HOST);
  });

  it('asks which account signs in when there are several and none is named', async () => {
    const { status } = await logIn(simulator, {
      client_id: 'shelly-diy',
      redirect_uri: REDIRECT_URI,
    });

    expect(status).toBe(404);
  });

  it('exchanges the code at the home host for a 12-hour access token', async () => {
    const code = await authorizationCode(simulator, 6550);
    const { status, body } = await oauthAuth(simulator, HOME, {
      client_id: 'shelly-diy',
      grant_type: 'code',
      code,
    });

    expect(status).toBe(200);
    expect(body.expires_in).toBe(TWELVE_HOURS_S);
    expect(decodeJwt(body.access_token as string)).toMatchObject({
      user_id: '6550',
      user_api_url: `https://${HOME}`,
      exp: now / 1000 + TWELVE_HOURS_S,
    });
  });

  it('refuses the exchange on a host that is not the account’s home', async () => {
    const code = await authorizationCode(simulator, 6550);
    const { status, body } = await oauthAuth(simulator, OTHER_HOST, {
      client_id: 'shelly-diy',
      grant_type: 'code',
      code,
    });

    expect(status).toBe(400);
    expect(body).toEqual({ isok: false, errors: { wrong_host: HOME } });
  });

  it('sends the account’s device statuses, and no one else’s, with a device object', async () => {
    const { accessToken } = await linkAccount(simulator, 6550, HOME);
    const client = await connect(accessToken);

    simulator.emitStatus(NEIGHBOURS_PLUG);
    const sent = simulator.emitStatus(PLUG);
    const frame = await client.next((received) => received.event === 'Shelly:StatusOnChange');

    expect(sent).toBe(1);
    expect(frame.device).toEqual({ id: PLUG_DECIMAL, code: 'SNSW-001P16EU', gen: 'G2' });
    expect(frame.status['switch:0']).toMatchObject({ id: 0 });
    expect(frame).not.toHaveProperty('deviceId');
    expect(client.frames).toHaveLength(1);
  });

  it('sends online changes of the account’s devices', async () => {
    const { accessToken } = await linkAccount(simulator, 6550, HOME);
    const client = await connect(accessToken);

    simulator.setOnline(PLUG, false);

    expect(await client.next((frame) => frame.event === 'Shelly:Online')).toEqual({
      event: 'Shelly:Online',
      device: { id: PLUG_DECIMAL, code: 'SNSW-001P16EU', gen: 'G2' },
      online: 0,
    });
  });

  it('opens the socket for an expired token, then closes it with 4401 Token-Broken', async () => {
    const { accessToken } = await linkAccount(simulator, 6550, HOME);
    now += TWELVE_HOURS_S * 1000;

    const client = await connect(accessToken);

    expect(await client.closed).toEqual({ code: 4401, reason: 'Token-Broken' });
  });

  it('refuses a socket on a host that is not the account’s home', async () => {
    const { accessToken } = await linkAccount(simulator, 6550, HOME);

    expect(await handshakeOutcome(simulator.wsUrl(OTHER_HOST, accessToken))).toBe(401);
  });

  it('still takes integrator tokens on the same socket URL', async () => {
    const client = await connect(await simulator.issueToken());
    await simulator.grantConsent(PLUG, { userId: 6550 });

    simulator.emitStatus(PLUG);

    expect(await client.next((frame) => frame.event === 'Shelly:StatusOnChange')).toMatchObject({
      deviceId: PLUG_DECIMAL,
    });
  });

  it('renews by exchanging the stored code again and by the refresh_token grant', async () => {
    const { code, accessToken } = await linkAccount(simulator, 6550, HOME);
    now += 1000;

    const again = await oauthAuth(simulator, HOME, {
      client_id: 'shelly-diy',
      grant_type: 'code',
      code,
    });
    const refreshed = await oauthAuth(simulator, HOME, {
      client_id: 'shelly-diy',
      grant_type: 'refresh_token',
      refresh_token: accessToken,
    });

    expect(again.status).toBe(200);
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token as string).exp).toBe(now / 1000 + TWELVE_HOURS_S);
  });

  it('refuses the refresh_token grant once the token has expired', async () => {
    const { accessToken } = await linkAccount(simulator, 6550, HOME);
    now += TWELVE_HOURS_S * 1000;

    const refreshed = await oauthAuth(simulator, HOME, {
      client_id: 'shelly-diy',
      grant_type: 'refresh_token',
      refresh_token: accessToken,
    });

    expect(refreshed).toEqual({
      status: 400,
      body: { isok: false, errors: { invalid_grant: 'token expired' } },
    });
  });

  it('refuses both kinds of renewal under the fault, but still a fresh code’s first exchange', async () => {
    const { code, accessToken } = await linkAccount(simulator, 6550, HOME);
    simulator.faults.refuseTokenRenewal(true);

    const again = await oauthAuth(simulator, HOME, {
      client_id: 'shelly-diy',
      grant_type: 'code',
      code,
    });
    const refreshed = await oauthAuth(simulator, HOME, {
      client_id: 'shelly-diy',
      grant_type: 'refresh_token',
      refresh_token: accessToken,
    });
    const fresh = await oauthAuth(simulator, HOME, {
      client_id: 'shelly-diy',
      grant_type: 'code',
      code: await authorizationCode(simulator, 6550),
    });

    expect(again.body).toEqual({ isok: false, errors: { invalid_grant: 'renewal refused' } });
    expect(refreshed.body).toEqual({ isok: false, errors: { invalid_grant: 'renewal refused' } });
    expect(fresh.status).toBe(200);
  });

  it('closes the sockets of an account whose tokens were revoked and refuses its old code', async () => {
    const { code, accessToken } = await linkAccount(simulator, 6550, HOME);
    const client = await connect(accessToken);

    simulator.revokeAccessTokens(6550);
    const exchange = await oauthAuth(simulator, HOME, {
      client_id: 'shelly-diy',
      grant_type: 'code',
      code,
    });
    const reconnected = await connect(accessToken);

    expect(await client.closed).toEqual({ code: 4401, reason: 'Token-Broken' });
    expect(await reconnected.closed).toEqual({ code: 4401, reason: 'Token-Broken' });
    expect(exchange.body).toEqual({ isok: false, errors: { invalid_grant: 'code revoked' } });
  });

  it('runs a relay command from the socket and follows its answer with the new status', async () => {
    const { accessToken } = await linkAccount(simulator, 6550, HOME);
    const client = await connect(accessToken);
    const wasOn = simulator.device(PLUG).state.relays[0].on;

    const response = await client.request(
      {
        event: 'Shelly:CommandRequest',
        trid: 15,
        deviceId: PLUG_DECIMAL,
        data: { cmd: 'relay', params: { id: 0, turn: wasOn ? 'off' : 'on' } },
      },
      'Shelly:CommandResponse',
    );
    const status = await client.next((frame) => frame.event === 'Shelly:StatusOnChange');

    expect(response).toEqual({
      event: 'Shelly:CommandResponse',
      trid: 15,
      deviceId: PLUG_DECIMAL,
      user: 6550,
      data: { isok: true },
    });
    expect(status.status['switch:0'].output).toBe(!wasOn);
    expect(simulator.accountCommands).toEqual([
      expect.objectContaining({ userId: 6550, trid: 15, answer: { isok: true } }),
    ]);
  });

  it('refuses a command for a device of another account', async () => {
    const { accessToken } = await linkAccount(simulator, 6550, HOME);
    const client = await connect(accessToken);

    const response = await client.request(
      {
        event: 'Shelly:CommandRequest',
        trid: 16,
        deviceId: String(parseInt(NEIGHBOURS_PLUG, 16)),
        data: { cmd: 'relay', params: { id: 0, turn: 'on' } },
      },
      'Shelly:CommandResponse',
    );

    expect(response.data).toEqual({ isok: false, res: 'UNAUTHORIZED' });
  });

  it('counts a second socket of the same account, and sends events to both', async () => {
    const { accessToken } = await linkAccount(simulator, 6550, HOME);
    const first = await connect(accessToken);
    const second = await connect(accessToken);
    await waitFor(() => simulator.accountConnections(6550).length === 2, 5000);

    const sent = simulator.emitStatus(PLUG);

    expect(sent).toBe(2);
    expect(simulator.peakAccountConnections(6550)).toBe(2);
    expect(simulator.peakAccountConnections(7001)).toBe(0);
    await first.next((frame) => frame.event === 'Shelly:StatusOnChange');
    await second.next((frame) => frame.event === 'Shelly:StatusOnChange');
  });

  it('refuses renewal and revokes tokens through the control endpoints', async () => {
    const { code, accessToken } = await linkAccount(simulator, 6550, HOME);
    const client = await connect(accessToken);
    const control = (path: string, body: unknown) =>
      fetch(`${simulator.url}/simulator/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    await control('faults', { fault: 'refuse-token-renewal', refuse: true });
    const renewal = await oauthAuth(simulator, HOME, {
      client_id: 'shelly-diy',
      grant_type: 'code',
      code,
    });
    const revoked = await control('accounts/6550/revoke-tokens', {});
    const unknown = await control('accounts/9999/revoke-tokens', {});

    expect(renewal.body).toEqual({ isok: false, errors: { invalid_grant: 'renewal refused' } });
    expect(revoked.status).toBe(200);
    expect(await client.closed).toEqual({ code: 4401, reason: 'Token-Broken' });
    expect(unknown.status).toBe(404);
  });

  it('sends periodic updates of the account’s devices to its socket without any consent', async () => {
    await simulator.stop();
    simulator = await ShellySimulator.start({
      integrators: [{ tag: 'ITG_ACME', token: 'secret' }],
      hosts: [HOME],
      fleet: { devices: [{ model: 'SNSW-001P16EU', id: PLUG }] },
      accounts: [{ userId: 6550, devices: [PLUG] }],
      updateIntervalMs: 20,
      seed: 4,
    });
    const { accessToken } = await linkAccount(simulator, 6550, HOME);
    const client = await connect(accessToken);

    const frame = await client.next((received) => received.event === 'Shelly:StatusOnChange');

    expect(frame.device.id).toBe(PLUG_DECIMAL);
  });
});
