import { SignJWT } from 'jose';
import {
  REPLACED_CLOSE_CODE,
  ShellySimulator,
  SimulatorOptions,
  TOKEN_BROKEN_CLOSE_CODE,
} from '../../src/simulator/simulator.server';
import { handshakeOutcome, SocketClient } from './socket-client';

const acme = { tag: 'ITG_ACME', token: 'acme-secret' };
const other = { tag: 'ITG_OTHER', token: 'other-secret' };
const HOST = 'shelly-103-eu.shelly.cloud';

describe('integrator socket handshake', () => {
  let now = Date.UTC(2025, 4, 1, 12, 0, 0);
  const simulators: ShellySimulator[] = [];
  const clients: SocketClient[] = [];

  async function start(options: Partial<SimulatorOptions> = {}) {
    const simulator = await ShellySimulator.start({
      integrators: [acme, other],
      hosts: [HOST, 'shelly-77-eu.shelly.cloud'],
      tokenLifetimeSeconds: 60,
      clock: () => now,
      seed: 3,
      ...options,
    });
    simulators.push(simulator);
    return simulator;
  }

  async function connect(simulator: ShellySimulator, tag = acme.tag, host = HOST) {
    const client = await SocketClient.connect(
      simulator.wsUrl(host, await simulator.issueToken(tag)),
    );
    clients.push(client);
    return client;
  }

  afterEach(async () => {
    clients.splice(0).forEach((client) => client.close());
    await Promise.all(simulators.splice(0).map((simulator) => simulator.stop()));
  });

  it('accepts a valid token on the URL template the service uses', async () => {
    const simulator = await start();
    const token = await simulator.issueToken();
    const url = simulator.wsUrlTemplate.replace('{host}', HOST).replace('{token}', token);

    expect(await handshakeOutcome(url)).toBe('open');
    expect(simulator.wsUrlTemplate).toMatch(
      /^ws:\/\/127\.0\.0\.1:\d+\/\{host\}\/shelly\/wss\/hk_sock\?t=\{token\}$/,
    );
  });

  it('answers 404 for a host it does not simulate and for other paths', async () => {
    const simulator = await start();
    const token = await simulator.issueToken();

    expect(await handshakeOutcome(simulator.wsUrl('shelly-1-us.shelly.cloud', token))).toBe(404);
    expect(
      await handshakeOutcome(
        `${simulator.url.replace('http', 'ws')}/shelly/wss/hk_sock?t=${token}`,
      ),
    ).toBe(404);
  });

  it('refuses a missing, malformed or foreign token with 401', async () => {
    const simulator = await start();
    const foreign = await new SignJWT({ user_id: acme.tag })
      .setProtectedHeader({ typ: 'JWT', alg: 'HS384' })
      .setExpirationTime(now / 1000 + 600)
      .sign(new TextEncoder().encode('not the simulator secret at all, 48 bytes long..'));
    const base = simulator.wsUrl(HOST, 'x').replace(/\?t=x$/, '');

    expect(await handshakeOutcome(base)).toBe(401);
    expect(await handshakeOutcome(simulator.wsUrl(HOST, 'not-a-jwt'))).toBe(401);
    expect(await handshakeOutcome(simulator.wsUrl(HOST, foreign))).toBe(401);
  });

  it('refuses a token of an integrator it does not know with 401', async () => {
    const issuer = await start({ integrators: [{ tag: 'ITG_STRANGER', token: 's' }] });
    const simulator = await start();
    const stranger = await issuer.issueToken('ITG_STRANGER');

    expect(await handshakeOutcome(simulator.wsUrl(HOST, stranger))).toBe(401);
  });

  it('refuses an expired token with 401 by default', async () => {
    const simulator = await start();
    const token = await simulator.issueToken();
    now += 61_000;

    expect(await handshakeOutcome(simulator.wsUrl(HOST, token))).toBe(401);
  });

  it('can instead accept an expired token and close with 4401 Token-Broken', async () => {
    const simulator = await start({ expiredTokenHandling: 'close-4401' });
    const token = await simulator.issueToken();
    now += 61_000;
    const client = await SocketClient.connect(simulator.wsUrl(HOST, token));
    clients.push(client);

    expect(await client.closed).toEqual({ code: TOKEN_BROKEN_CLOSE_CODE, reason: 'Token-Broken' });
  });

  it('replaces the older connection of the same integrator and host by default', async () => {
    const simulator = await start();
    const first = await connect(simulator);
    const second = await connect(simulator);

    expect(await first.closed).toEqual({
      code: REPLACED_CLOSE_CODE,
      reason: 'replaced by a newer connection',
    });
    expect(simulator.connections(HOST)).toHaveLength(1);
    expect(second.socket.readyState).toBe(second.socket.OPEN);
  });

  it('sends events to the newer connection after a replacement', async () => {
    const simulator = await start();
    const device = simulator.devices.find((candidate) => candidate.host === HOST)!;
    await simulator.grantConsent(device, { userId: 7 });
    const first = await connect(simulator);
    const second = await connect(simulator);
    await first.closed;
    simulator.emitStatus(device);

    await second.next((frame) => frame.deviceId === device.identity.deviceId);
    expect(first.statusesOf(device.identity.deviceId)).toHaveLength(0);
  });

  it('can refuse the newer connection with 409 instead', async () => {
    const simulator = await start({ connectionPolicy: 'reject-newer' });
    const first = await connect(simulator);
    const token = await simulator.issueToken();

    expect(await handshakeOutcome(simulator.wsUrl(HOST, token))).toBe(409);
    expect(first.socket.readyState).toBe(first.socket.OPEN);
  });

  it('keeps one connection per integrator: two integrators share a host', async () => {
    const simulator = await start();
    await connect(simulator, acme.tag);
    await connect(simulator, other.tag);

    expect(
      simulator
        .connections(HOST)
        .map((connection) => connection.integrator)
        .sort(),
    ).toEqual(['ITG_ACME', 'ITG_OTHER']);
  });
});
