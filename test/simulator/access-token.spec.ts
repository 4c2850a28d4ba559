import { decodeJwt, decodeProtectedHeader } from 'jose';
import { ShellySimulator } from '../../src/simulator/simulator.server';
import { Frame, handshakeOutcome } from './socket-client';

const integrator = { tag: 'ITG_ACME', token: 'acme-secret-token' };

async function requestToken(simulator: ShellySimulator, form: Record<string, string>) {
  const response = await fetch(simulator.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Frame };
}

describe('integrator access token', () => {
  let now = Date.UTC(2025, 4, 1, 12, 0, 0);
  let simulator: ShellySimulator;

  beforeEach(async () => {
    simulator = await ShellySimulator.start({
      integrators: [integrator],
      tokenLifetimeSeconds: 30,
      clock: () => now,
      seed: 1,
    });
  });
  afterEach(() => simulator.stop());

  it('issues an HS384 JWT naming the integrator, valid for the configured lifetime', async () => {
    const { status, body } = await requestToken(simulator, {
      itg: 'ITG_ACME',
      token: integrator.token,
    });

    expect(status).toBe(200);
    expect(body.isok).toBe(true);
    expect(decodeProtectedHeader(body.data)).toEqual({ typ: 'JWT', alg: 'HS384' });
    expect(decodeJwt(body.data)).toEqual({ user_id: 'ITG_ACME', exp: now / 1000 + 30 });
  });

  it.each([
    ['a wrong token', { itg: 'ITG_ACME', token: 'guess' }],
    ['an unknown tag', { itg: 'ITG_OTHER', token: integrator.token }],
    ['no fields at all', {}],
  ])('refuses %s with the cloud envelope', async (_case, form) => {
    const { status, body } = await requestToken(simulator, form);

    expect(status).toBe(200);
    expect(body).toEqual({
      isok: false,
      errors: { wrong_credentials: 'Invalid integrator tag or token' },
    });
  });

  it('answers 405 to anything but POST', async () => {
    const response = await fetch(simulator.tokenUrl);

    expect(response.status).toBe(405);
  });

  it('lets a token open a socket until it expires', async () => {
    const { body } = await requestToken(simulator, { itg: 'ITG_ACME', token: integrator.token });
    const url = simulator.wsUrl(simulator.hosts[0], body.data);
    const before = await handshakeOutcome(url);
    now += 31_000;
    const after = await handshakeOutcome(url);

    expect(before).toBe('open');
    expect(after).toBe(401);
  });
});
