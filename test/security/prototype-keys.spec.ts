import { normalizeFrame } from '../../src/normalize/normalize-frame';
import { ControlRig, startControlRig } from '../support/control';
import { RunningService, startService } from '../support/app';
import { callbackBody, callbackPublicKeyPem, signedCallback } from '../support/consent-callbacks';
import { sql } from '../support/sql';

const polluted = () => (Object.prototype as Record<string, unknown>).polluted;
const context = {
  host: 'shelly-103-eu.shelly.cloud',
  api: 'integrator' as const,
  receivedAt: new Date('2026-12-02T10:00:00Z'),
  newEventId: () => '00000000-0000-4000-8000-000000000000',
  includeRawStatus: true,
};

/** `__proto__` keys in frames and request bodies are data, never a way into an object's prototype. */
describe('__proto__ keys from outside', () => {
  afterEach(() => expect(polluted()).toBeUndefined());

  it('leave a frame’s readings as they are and reach no prototype', () => {
    const text = `{"event":"Shelly:StatusOnChange","deviceId":"224830197357980","__proto__":{"polluted":1},
      "status":{"__proto__":{"polluted":2},"switch:0":{"__proto__":{"polluted":3},"id":0,"output":true,"apower":5},
      "constructor":{"prototype":{"polluted":4}}}}`;

    const result = normalizeFrame(text, context);

    expect(result.kind).toBe('events');
    const event = (result as { events: { measurements: unknown[] }[] }).events[0];
    expect(event.measurements).toEqual(
      expect.arrayContaining([
        { component: 'switch', channel: 0, metric: 'output', value: true },
        { component: 'switch', channel: 0, metric: 'power', unit: 'W', value: 5 },
      ]),
    );
    expect(event.measurements).toHaveLength(2);
  });

  describe('in request bodies of a running service', () => {
    let rig: ControlRig;

    beforeAll(async () => {
      rig = await startControlRig({ models: ['SHSW-1'] });
    });

    afterAll(() => rig?.stop());

    it('are refused or ignored by every body the API reads, and nothing of them is stored', async () => {
      const device = rig.sim.devices[0];
      const proto = '"__proto__":{"polluted":1,"scopes":["admin"],"partnerId":null}';
      const answers = await Promise.all(
        [
          [
            `/v1/devices/${device.identity.id}/commands`,
            `{${proto},"type":"relay","channel":0,"action":"on"}`,
          ],
          ['/v1/partners', `{${proto},"id":"proto-co","name":"Proto"}`],
          ['/v1/api-keys', `{${proto},"name":"k","scopes":["read"]}`],
        ].map(async ([path, body]) => {
          const response = await fetch(`${rig.service.url}${path}`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${rig.keys.admin}`,
              'content-type': 'application/json',
            },
            body,
          });
          return [path, response.status, ((await response.json()) as { code?: string }).code];
        }),
      );
      expect(answers).toEqual([
        [`/v1/devices/${device.identity.id}/commands`, 400, 'invalid_body'],
        ['/v1/partners', 400, 'invalid_body'],
        ['/v1/api-keys', 400, 'invalid_body'],
      ]);
      const keys = await sql(rig.service.databaseUrl, "SELECT 1 FROM api_key WHERE name = 'k'");
      expect(keys.rowCount).toBe(0);
    });
  });

  describe('in a consent callback', () => {
    let service: RunningService;

    beforeAll(async () => {
      service = await startService({ SHELLY_CONSENT_PUBLIC_KEY: callbackPublicKeyPem });
    });

    afterAll(() => service?.stop());

    it('are not taken for a consent callback’s fields', async () => {
      const deviceId = '224830197359999';
      const body = callbackBody({ deviceId, accessGroups: '00' });
      const request = await signedCallback('ITG_TEST', body);
      const withProto = request.body.replace(
        '{',
        '{"__proto__":{"accessGroups":"01","host":"evil.example.com"},',
      );

      const response = await fetch(`${service.url}/v1/shelly/consent`, {
        method: 'POST',
        headers: request.headers,
        body: withProto,
      });

      expect(response.status).toBe(200);
      const stored = await sql<{ scope: string; host: string }>(
        service.databaseUrl,
        'SELECT scope, host FROM device_consent WHERE device_id = $1',
        [Number(deviceId).toString(16)],
      );
      expect(stored.rows).toEqual([{ scope: 'read', host: body.host }]);
    });
  });
});
