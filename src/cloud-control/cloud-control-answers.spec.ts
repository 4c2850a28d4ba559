import {
  failureOf,
  readControlAnswer,
  readDeviceList,
  readDeviceStates,
} from './cloud-control-answers';

function v2Error(error: string, ...messages: string[]) {
  return { error, data: { messages } };
}

describe('Cloud Control answers', () => {
  describe('a call counts as done only at HTTP 200 without an error and without isok:false', () => {
    it.each([
      ['{"isok":true}', { isok: true }],
      ['an object without isok', { device_id: 'a8032abe41fc' }],
    ])('reads 200 with %s as done', (_, body) => {
      expect(readControlAnswer({ status: 200, body })).toEqual({ ok: true, value: undefined });
    });

    it('reads HTTP 200 {"isok":false} as refused', () => {
      expect(readControlAnswer({ status: 200, body: { isok: false } })).toEqual({
        ok: false,
        error: 'refused',
        detail: 'HTTP 200',
      });
    });

    it('reads HTTP 200 with an error code as a failure of that code', () => {
      expect(readControlAnswer({ status: 200, body: v2Error('DEVICE_OFFLINE') })).toMatchObject({
        ok: false,
        error: 'device_offline',
      });
    });
  });

  describe('maps the documented v2 errors', () => {
    it.each([
      [400, 'DEVICE_OFFLINE', 'device_offline'],
      [400, 'DEVICE_FAILED_COMMAND', 'refused'],
      [400, 'DEVICE_INVALID_MODE', 'invalid_request'],
      [400, 'DEVICE_INVALID_CHANNEL', 'invalid_request'],
      [400, 'BAD_REQUEST', 'invalid_request'],
      [404, 'DEVICE_NOT_FOUND', 'not_found'],
      [404, 'INSTANCE_NOT_FOUND', 'unavailable'],
      [500, 'UNEXPECTED_SUBSERVICE_ERROR', 'unavailable'],
      [400, 'A_CODE_NOT_DOCUMENTED', 'invalid_request'],
    ])('HTTP %i %s is %s', (status, code, kind) => {
      expect(failureOf({ status, body: v2Error(code, 'the device is offline') })).toEqual({
        ok: false,
        error: kind,
        detail: `HTTP ${status} ${code}: the device is offline`,
      });
    });
  });

  describe('maps by the HTTP status first where it says enough', () => {
    it.each([
      [429, { isok: false, errors: { max_req: 'Request limit reached' } }, 'rate_limited'],
      [401, { isok: false, errors: { invalid_token: 'token expired' } }, 'unauthorized'],
      [401, { isok: false, errors: { wrong_host: 'shelly-77-eu.shelly.cloud' } }, 'unauthorized'],
      [403, undefined, 'unauthorized'],
      [502, undefined, 'unavailable'],
      [503, v2Error('DEVICE_OFFLINE'), 'unavailable'],
      [404, undefined, 'not_found'],
      [302, undefined, 'unavailable'],
    ])('HTTP %i %j is %s', (status, body, kind) => {
      expect(failureOf({ status, body })?.error).toBe(kind);
    });

    it('reads the v1 envelope’s errors as an object or an array', () => {
      expect(failureOf({ status: 200, body: { isok: false, errors: ['max_req'] } })).toEqual({
        ok: false,
        error: 'rate_limited',
        detail: 'HTTP 200 max_req',
      });
      expect(
        failureOf({ status: 200, body: { isok: false, errors: { device_not_found: 'no' } } }),
      ).toMatchObject({ error: 'not_found' });
    });
  });

  describe('validates what a success carries', () => {
    it('reads the device list keyed by id', () => {
      const devices = {
        a8032abe41fc: { id: 'a8032abe41fc', name: 'Boiler', type: 'SNSW-001P16EU', gen: 'G2' },
      };
      expect(readDeviceList({ status: 200, body: { isok: true, data: { devices } } })).toEqual({
        ok: true,
        value: devices,
      });
    });

    it('reads a get answer with online as 0/1 and a virtual device’s numeric id as text', () => {
      const answer = readDeviceStates({
        status: 200,
        body: [
          { id: 'a8032abe41fc', code: 'SNSW-001P16EU', gen: 'G2', online: 1, status: { sys: {} } },
          { id: 123456, gen: 'V1', online: 0 },
        ],
      });
      expect(answer).toEqual({
        ok: true,
        value: [
          {
            id: 'a8032abe41fc',
            code: 'SNSW-001P16EU',
            gen: 'G2',
            online: true,
            status: { sys: {} },
          },
          { id: '123456', gen: 'V1', online: false },
        ],
      });
    });

    it.each([
      ['a list without data.devices', readDeviceList, { isok: true, data: {} }, 'data.devices'],
      ['a list with isok:true missing', readDeviceList, { data: { devices: {} } }, 'isok'],
      ['a get answer that is an object', readDeviceStates, { devices: [] }, 'body'],
      [
        'a get answer with online "yes"',
        readDeviceStates,
        [{ id: 'a', online: 'yes' }],
        '0.online',
      ],
      [
        'a get answer with a status array',
        readDeviceStates,
        [{ id: 'a', online: 1, status: [] }],
        '0.status',
      ],
      ['a control answer that is not JSON', readControlAnswer, undefined, 'body'],
    ])('reads %s as a bad answer naming where', (_, read, body, where) => {
      const answer = read({ status: 200, body });
      expect(answer).toMatchObject({ ok: false, error: 'bad_answer' });
      expect(!answer.ok && answer.detail).toContain(`unexpected answer: ${where}:`);
    });
  });
});
