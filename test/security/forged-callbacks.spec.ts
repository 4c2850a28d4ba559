import { ConsentCache } from '../../src/consent/consent-cache';
import { RunningService, startService } from '../support/app';
import {
  callbackBody,
  callbackPublicKeyPem,
  sendCallback,
  Tamper,
} from '../support/consent-callbacks';
import { sql } from '../support/sql';

/** Every kind of forged consent callback is refused, and leaves no consent, history or event. */
describe('forged consent callbacks', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService({ SHELLY_CONSENT_PUBLIC_KEY: callbackPublicKeyPem });
  });

  afterAll(() => service?.stop());

  const traces = async () => {
    const count = async (table: string) =>
      Number(
        (await sql<{ n: string }>(service.databaseUrl, `SELECT count(*) AS n FROM ${table}`))
          .rows[0].n,
      );
    return {
      consents: await count('device_consent'),
      history: await count('consent_history'),
      outbox: await count('outbox_event'),
      tokens: await count('consent_callback_token'),
      cached: service.app.get(ConsentCache).size,
    };
  };

  it.each<[Tamper, number, string]>([
    ['bad-signature', 401, 'trust_token_invalid'],
    ['other-algorithm', 401, 'trust_token_invalid'],
    ['expired', 401, 'trust_token_expired'],
    ['wrong-itg', 403, 'trust_wrong_integrator'],
    ['mismatched-did', 403, 'trust_device_mismatch'],
    ['no-header', 401, 'trust_header_missing'],
  ])(
    'refuses a callback with %s (%i %s) and stores and publishes nothing',
    async (tamper, status, code) => {
      const before = await traces();
      const answer = await sendCallback(
        `${service.url}/v1/shelly/consent`,
        'ITG_TEST',
        callbackBody({ deviceId: '79530338915100' }),
        tamper,
      );
      expect(answer).toMatchObject({ status, body: { code } });
      expect(await traces()).toEqual(before);
    },
  );

  it('refuses a grant naming a host outside the allowlist and stores and publishes nothing', async () => {
    const before = await traces();
    const answer = await sendCallback(
      `${service.url}/v1/shelly/consent`,
      'ITG_TEST',
      callbackBody({ deviceId: '79530338915101', host: 'evil.example.com' }),
    );
    expect(answer).toMatchObject({ status: 403, body: { code: 'host_not_allowed' } });
    expect(await traces()).toEqual(before);
  });

  it('refuses a callback to a partner path the service did not sign, and stores and publishes nothing', async () => {
    const before = await traces();
    const answer = await sendCallback(
      `${service.url}/v1/shelly/consent/partners/default/${'A'.repeat(22)}`,
      'ITG_TEST',
      callbackBody({ deviceId: '79530338915102' }),
    );
    expect(answer).toMatchObject({ status: 403, body: { code: 'consent_link_invalid' } });
    expect(await traces()).toEqual(before);
  });
});
