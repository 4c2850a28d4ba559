import { ApiKeyStore } from '../../src/partners/api-key.store';
import { RunningService, startService } from '../support/app';

/** A bucket that does not refill within a test: the limit is reached by count, never by time. */
const NO_REFILL = '0.001';

async function getDevices(service: RunningService, key: string, fromIp: string) {
  const response = await fetch(`${service.url}/v1/devices`, {
    headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': fromIp },
  });
  const body = (await response.json()) as { code?: string };
  return {
    status: response.status,
    code: body.code,
    retryAfter: response.headers.get('retry-after'),
  };
}

describe('failed API key authentications per client IP, behind one proxy', () => {
  let service: RunningService;
  let validKey: string;

  beforeAll(async () => {
    service = await startService({
      TRUST_PROXY_HOPS: '1',
      AUTH_FAILURE_RATE_PER_IP: NO_REFILL,
      AUTH_FAILURE_BURST_PER_IP: '3',
    });
    validKey = (
      await service.app.get(ApiKeyStore).create('reader', ['read'], { partnerId: 'default' })
    ).key;
  });

  afterAll(() => service?.stop());

  it('refuses every key from an address after its failures, without looking one up', async () => {
    const attacker = '203.0.113.7';
    for (let i = 0; i < 3; i++) {
      expect((await getDevices(service, `sik_guess${i}_secret`, attacker)).code).toBe(
        'api_key_invalid',
      );
    }
    const authenticate = jest.spyOn(service.app.get(ApiKeyStore), 'authenticate');
    try {
      expect(await getDevices(service, 'sik_guess3_secret', attacker)).toEqual({
        status: 429,
        code: 'rate_limited',
        retryAfter: expect.stringMatching(/^[1-9]\d*$/),
      });
      expect((await getDevices(service, validKey, attacker)).code).toBe('rate_limited');
      expect(authenticate).not.toHaveBeenCalled();
    } finally {
      authenticate.mockRestore();
    }
  });

  it('leaves other addresses alone', async () => {
    expect((await getDevices(service, validKey, '198.51.100.20')).status).toBe(200);
    expect((await getDevices(service, 'sik_typo_secret', '198.51.100.21')).code).toBe(
      'api_key_invalid',
    );
  });

  it('counts no successful authentication', async () => {
    const partner = '198.51.100.30';
    for (let i = 0; i < 5; i++)
      expect((await getDevices(service, validKey, partner)).status).toBe(200);
    expect((await getDevices(service, 'sik_typo_secret', partner)).code).toBe('api_key_invalid');
  });
});

describe('failed API key authentications with no trusted proxy', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService({
      AUTH_FAILURE_RATE_PER_IP: NO_REFILL,
      AUTH_FAILURE_BURST_PER_IP: '2',
    });
  });

  afterAll(() => service?.stop());

  it('counts the socket address, whatever X-Forwarded-For claims', async () => {
    const codes = [];
    for (let i = 0; i < 3; i++) {
      codes.push((await getDevices(service, 'sik_guess_secret', `203.0.113.${i}`)).code);
    }
    expect(codes).toEqual(['api_key_invalid', 'api_key_invalid', 'rate_limited']);
  });
});

describe('consent callbacks per client IP', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService({
      TRUST_PROXY_HOPS: '1',
      CONSENT_CALLBACK_RATE_PER_IP: NO_REFILL,
      CONSENT_CALLBACK_BURST_PER_IP: '2',
    });
  });

  afterAll(() => service?.stop());

  async function callback(path: string, fromIp: string) {
    const response = await fetch(`${service.url}${service.config.consent.callbackPath}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': fromIp },
      body: '{}',
    });
    const body = (await response.json()) as { code: string };
    return { code: body.code, retryAfter: response.headers.get('retry-after') };
  }

  it('answers 429 once an address used its burst, on either callback route', async () => {
    const shelly = '192.0.2.10';
    expect((await callback('', shelly)).code).toBe('trust_header_missing');
    expect((await callback('/partners/acme/signature', shelly)).code).not.toBe('rate_limited');
    expect(await callback('', shelly)).toEqual({
      code: 'rate_limited',
      retryAfter: expect.stringMatching(/^[1-9]\d*$/),
    });
    expect((await callback('/partners/acme/signature', shelly)).code).toBe('rate_limited');
  });

  it('leaves other addresses alone', async () => {
    expect((await callback('', '192.0.2.11')).code).toBe('trust_header_missing');
  });
});
