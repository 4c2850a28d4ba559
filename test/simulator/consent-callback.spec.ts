import { generateKeyPairSync } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { decodeJwt, decodeProtectedHeader, errors, importSPKI, jwtVerify } from 'jose';
import { ShellySimulator } from '../../src/simulator/simulator.server';
import { Frame } from './socket-client';

interface Received {
  path: string | undefined;
  headers: IncomingMessage['headers'];
  body: Frame;
}

/** The integrator's consent callback endpoint, answering with a status the test chooses. */
async function callbackServer() {
  const received: Received[] = [];
  let status = 200;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url,
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString()) as Frame,
      });
      response.writeHead(status).end(status === 200 ? 'ok' : 'refused');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v1/shelly/consent`,
    received,
    answerWith: (next: number) => (status = next),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('consent callbacks', () => {
  let callback: Awaited<ReturnType<typeof callbackServer>>;
  let simulator: ShellySimulator;

  beforeEach(async () => {
    callback = await callbackServer();
    simulator = await ShellySimulator.start({
      integrators: [{ tag: 'ITG_ACME', token: 'secret' }],
      hosts: ['shelly-103-eu.shelly.cloud'],
      fleet: { devices: [{ model: 'SHSW-25', id: 'cc7b5c0c5d9c' }, { model: 'SNSW-001P16EU' }] },
      callbackUrl: callback.url,
    });
  });
  afterEach(async () => {
    await simulator.stop();
    await callback.close();
  });

  it('sends the grant and the later revoke to the cb of the consent link the user followed', async () => {
    const cb = callback.url.replace('/v1/shelly/consent', '/v1/shelly/consent/partners/acme/s1g');
    const link = `https://my.shelly.cloud/integrator.html?itg=ITG_ACME&cb=${encodeURIComponent(cb)}`;

    await simulator.grantConsent('cc7b5c0c5d9c', { userId: 7, link });
    await simulator.revokeConsent('cc7b5c0c5d9c');

    expect(callback.received.map((r) => [r.path, r.body.action as string])).toEqual([
      ['/v1/shelly/consent/partners/acme/s1g', 'add'],
      ['/v1/shelly/consent/partners/acme/s1g', 'remove'],
    ]);
  });

  it('refuses a consent link without itg or cb, or for an integrator it does not know', async () => {
    const cb = encodeURIComponent(callback.url);
    for (const link of [
      `https://my.shelly.cloud/integrator.html?itg=ITG_ACME`,
      `https://my.shelly.cloud/integrator.html?cb=${cb}`,
      `https://my.shelly.cloud/other.html?itg=ITG_ACME&cb=${cb}`,
    ]) {
      await expect(
        simulator.grantConsent('cc7b5c0c5d9c', { userId: 7, link }),
      ).rejects.toMatchObject({ code: 'INVALID_LINK' });
    }
    await expect(
      simulator.grantConsent('cc7b5c0c5d9c', {
        userId: 7,
        link: `https://my.shelly.cloud/integrator.html?itg=ITG_OTHER&cb=${cb}`,
      }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_INTEGRATOR' });
    expect(callback.received).toEqual([]);
  });

  const trustOf = (index = 0) => callback.received[index].headers['scl-trust'] as string;
  const verify = async (token: string, options: { currentDate?: Date } = {}) =>
    jwtVerify(token, await importSPKI(simulator.publicKeyPem, 'ES384'), {
      algorithms: ['ES384'],
      clockTolerance: 30,
      ...options,
    });

  it('posts the documented body for a grant', async () => {
    const result = await simulator.grantConsent('cc7b5c0c5d9c', {
      userId: 48213,
      accessGroups: '01',
      names: ['Kitchen blind'],
    });

    expect(result).toEqual({ applied: true, status: 200, body: 'ok' });
    expect(callback.received[0].headers['content-type']).toBe('application/json');
    expect(callback.received[0].body).toEqual({
      userId: 48213,
      deviceId: '224830197357980',
      deviceType: 'SHSW-25',
      deviceCode: 'SHSW-25',
      accessGroups: '01',
      action: 'add',
      host: 'shelly-103-eu.shelly.cloud',
      name: ['Kitchen blind'],
    });
  });

  it('signs SCL-Trust with ES384 for the integrator and device, valid for two minutes', async () => {
    const before = Math.floor(Date.now() / 1000);
    await simulator.grantConsent('cc7b5c0c5d9c', { userId: 48213 });

    const { payload, protectedHeader } = await verify(trustOf());

    expect(protectedHeader.alg).toBe('ES384');
    expect(payload).toMatchObject({ itg: 'ITG_ACME', did: '224830197357980' });
    expect(payload.exp! - payload.iat!).toBe(120);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
  });

  it('serves the public key as SPKI PEM', async () => {
    const response = await fetch(`${simulator.url}/simulator/public-key`);

    expect(await response.text()).toBe(simulator.publicKeyPem);
    expect(simulator.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  it('signs with a key loaded from PEM', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const keyed = await ShellySimulator.start({
      integrators: [{ tag: 'ITG_ACME', token: 'secret' }],
      trustPrivateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    await keyed.stop();

    expect(keyed.publicKeyPem).toBe(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  });

  it('posts a revocation with action remove and forgets the consent on 200', async () => {
    await simulator.grantConsent('cc7b5c0c5d9c', { userId: 48213, accessGroups: '00' });

    const result = await simulator.revokeConsent('cc7b5c0c5d9c');

    expect(result.applied).toBe(true);
    expect(callback.received[1].body).toMatchObject({ action: 'remove', accessGroups: '00' });
    expect(simulator.consents()).toEqual([]);
  });

  it('aborts a grant the integrator does not answer with 200', async () => {
    callback.answerWith(500);

    const result = await simulator.grantConsent('cc7b5c0c5d9c', { userId: 48213 });

    expect(result).toEqual({ applied: false, status: 500, body: 'refused' });
    expect(simulator.consents()).toEqual([]);
  });

  it('aborts a revocation the integrator does not answer with 200', async () => {
    await simulator.grantConsent('cc7b5c0c5d9c', { userId: 48213 });
    callback.answerWith(403);

    const result = await simulator.revokeConsent('cc7b5c0c5d9c');

    expect(result.applied).toBe(false);
    expect(simulator.consents()).toHaveLength(1);
  });

  it('reports a callback it cannot reach and changes nothing', async () => {
    await callback.close();

    const result = await simulator.grantConsent('cc7b5c0c5d9c', { userId: 48213 });

    expect(result.applied).toBe(false);
    expect(result.error).toEqual(expect.any(String));
    expect(simulator.consents()).toEqual([]);
  });

  describe('tampered SCL-Trust', () => {
    const grant = (tamper: Parameters<ShellySimulator['grantConsent']>[2]) =>
      simulator.grantConsent('cc7b5c0c5d9c', { userId: 48213 }, tamper);

    it('bad-signature: the claims are right but the signature does not verify', async () => {
      await grant({ tamper: 'bad-signature' });

      expect(decodeJwt(trustOf())).toMatchObject({ itg: 'ITG_ACME', did: '224830197357980' });
      await expect(verify(trustOf())).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
    });

    it('expired: the signature is right but exp is past any slack', async () => {
      await grant({ tamper: 'expired' });
      const { exp } = decodeJwt(trustOf());

      await expect(verify(trustOf())).rejects.toBeInstanceOf(errors.JWTExpired);
      await expect(
        verify(trustOf(), { currentDate: new Date((exp! - 60) * 1000) }),
      ).resolves.toBeDefined();
    });

    it('wrong-itg: a valid token for another integrator', async () => {
      await grant({ tamper: 'wrong-itg' });

      const { payload } = await verify(trustOf());

      expect(payload.itg).not.toBe('ITG_ACME');
      expect(payload.did).toBe('224830197357980');
    });

    it('mismatched-did: a valid token for another device than the body names', async () => {
      await grant({ tamper: 'mismatched-did' });

      const { payload } = await verify(trustOf());

      expect(payload.did).not.toBe(callback.received[0].body.deviceId);
      expect(payload.itg).toBe('ITG_ACME');
    });

    it('other-algorithm: HS256 keyed with the public key, refused when only ES384 is allowed', async () => {
      await grant({ tamper: 'other-algorithm' });

      expect(decodeProtectedHeader(trustOf()).alg).toBe('HS256');
      await expect(verify(trustOf())).rejects.toBeInstanceOf(errors.JOSEAlgNotAllowed);
      await expect(
        jwtVerify(trustOf(), new TextEncoder().encode(simulator.publicKeyPem)),
      ).resolves.toBeDefined();
    });

    it('no-header: the callback carries no SCL-Trust at all', async () => {
      await grant({ tamper: 'no-header' });

      expect(callback.received[0].headers).not.toHaveProperty('scl-trust');
      expect(callback.received[0].body.action).toBe('add');
    });
  });
});
