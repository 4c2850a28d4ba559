import { parseFrame } from '../normalize/normalize-frame';
import { readResponse } from './responses';

/** The frame as the sessions read it, then as the response reader takes it. */
function read(frame: object) {
  const parsed = parseFrame(JSON.stringify(frame));
  if (parsed.kind !== 'parsed') throw new Error(`not a frame: ${parsed.detail}`);
  return readResponse(parsed);
}

describe('command responses', () => {
  it('reads a successful command response', () => {
    expect(
      read({
        event: 'Shelly:CommandResponse',
        trid: 1042,
        deviceId: '224830197357980',
        user: 48213,
        data: { isok: true },
      }),
    ).toEqual({
      kind: 'command-response',
      trid: 1042,
      deviceId: 'cc7b5c0c5d9c',
      ok: true,
      user: 48213,
    });
  });

  it('reads a refused command with its message and a string trid', () => {
    expect(
      read({
        event: 'Shelly:CommandResponse',
        trid: 'a-17',
        deviceId: '224830197357980',
        data: { isok: false, res: 'device offline' },
      }),
    ).toEqual({
      kind: 'command-response',
      trid: 'a-17',
      deviceId: 'cc7b5c0c5d9c',
      ok: false,
      message: 'device offline',
    });
  });

  it.each([
    ['without trid', { deviceId: '12133370', data: { isok: true } }, 'invalid_field'],
    [
      'with an object trid',
      { trid: {}, deviceId: '12133370', data: { isok: true } },
      'invalid_field',
    ],
    ['without data', { trid: 1, deviceId: '12133370' }, 'invalid_field'],
    ['without isok', { trid: 1, deviceId: '12133370', data: { res: 'ok' } }, 'invalid_field'],
    ['without device id', { trid: 1, data: { isok: true } }, 'missing_device_id'],
  ])('rejects a response %s', (_case, rest, reason) => {
    expect(read({ event: 'Shelly:CommandResponse', ...rest })).toMatchObject({
      kind: 'rejected',
      reason,
    });
  });
});

describe('action responses', () => {
  it('reads a DeviceVerify answer with the device status', () => {
    expect(
      read({
        event: 'Integrator:ActionResponse',
        trid: 7,
        user: '48213',
        data: {
          result: 'OK',
          deviceId: '224830197357980',
          deviceType: 'SHSW-25',
          deviceCode: 'SHSW-25',
          deviceStatus: { relays: [{ ison: false }] },
          accessGroups: '01',
        },
      }),
    ).toEqual({
      kind: 'action-response',
      trid: 7,
      result: 'OK',
      deviceId: 'cc7b5c0c5d9c',
      deviceType: 'SHSW-25',
      deviceCode: 'SHSW-25',
      deviceStatus: { relays: [{ ison: false }] },
      accessGroups: '01',
      user: '48213',
    });
  });

  it('reads a WRONG_HOST answer with the host to connect to', () => {
    expect(
      read({
        event: 'Integrator:ActionResponse',
        trid: 8,
        user: 48213,
        data: {
          result: 'WRONG_HOST',
          deviceId: '224830197357980',
          host: 'shelly-77-eu.shelly.cloud',
        },
      }),
    ).toEqual({
      kind: 'action-response',
      trid: 8,
      result: 'WRONG_HOST',
      deviceId: 'cc7b5c0c5d9c',
      host: 'shelly-77-eu.shelly.cloud',
      user: '48213',
    });
  });

  it('reads a DeviceGetSettings answer with the settings', () => {
    expect(
      read({
        event: 'Integrator:ActionResponse',
        trid: 9,
        data: { result: 'OK', deviceId: '12133370', deviceSettings: { name: 'Boiler' } },
      }),
    ).toEqual({
      kind: 'action-response',
      trid: 9,
      result: 'OK',
      deviceId: 'b923fa',
      deviceSettings: { name: 'Boiler' },
    });
  });

  it('reads an UNAUTHORIZED answer that names no device', () => {
    expect(
      read({ event: 'Integrator:ActionResponse', trid: 10, data: { result: 'UNAUTHORIZED' } }),
    ).toEqual({ kind: 'action-response', trid: 10, result: 'UNAUTHORIZED' });
  });

  it.each([
    ['without trid', { data: { result: 'OK' } }, 'invalid_field'],
    ['without data', { trid: 1 }, 'invalid_field'],
    ['without result', { trid: 1, data: { deviceId: '12133370' } }, 'invalid_field'],
    [
      'with an unreadable device id',
      { trid: 1, data: { result: 'OK', deviceId: 'x' } },
      'invalid_device_id',
    ],
  ])('rejects an answer %s', (_case, rest, reason) => {
    expect(read({ event: 'Integrator:ActionResponse', ...rest })).toMatchObject({
      kind: 'rejected',
      reason,
    });
  });
});

describe('responses on the OAuth real-time events channel', () => {
  it('reads an RTE command response that names the device with a flat deviceId', () => {
    expect(
      read({
        event: 'Shelly:CommandResponse',
        trid: 15,
        user: 6550,
        deviceId: '12133370',
        data: { isok: true },
      }),
    ).toEqual({ kind: 'command-response', trid: 15, deviceId: 'b923fa', ok: true, user: 6550 });
  });
});

describe('frames that answer nothing of the service', () => {
  it.each(['Shelly:StatusOnChange', 'Shelly:Online', 'Shelly:XGResponse'])(
    'leaves %s to the frame port',
    (event) => {
      expect(read({ event, deviceId: '12133370' })).toBeUndefined();
    },
  );
});

describe('RPC responses', () => {
  const jrpc = (response: unknown) =>
    read({ event: 'Shelly:JrpcResponse', trid: 5, deviceId: '224830197357980', response });

  it('reads the result, and a missing result as null', () => {
    expect(jrpc({ result: { was_on: true } })).toEqual({
      kind: 'jrpc-response',
      trid: 5,
      deviceId: 'cc7b5c0c5d9c',
      outcome: { result: { was_on: true } },
    });
    expect(jrpc({})).toMatchObject({ outcome: { result: null } });
  });

  it("reads the relay's word and the device's error object", () => {
    expect(jrpc({ error: 'WRONG_ID' })).toMatchObject({ outcome: { error: 'WRONG_ID' } });
    expect(jrpc({ error: { code: -105, message: 'Bad id=3' } })).toMatchObject({
      outcome: { error: { code: -105, message: 'Bad id=3' } },
    });
  });

  it.each([
    ['without response', undefined],
    ['with an error of another shape', { error: { message: 'no code' } }],
  ])('rejects a response %s', (_case, response) => {
    expect(jrpc(response)).toMatchObject({ kind: 'rejected', reason: 'invalid_field' });
  });
});

describe('Error frames', () => {
  it('reads the message and, when given, the trid and device', () => {
    expect(read({ event: 'Error', message: 'Bad request' })).toEqual({
      kind: 'error-frame',
      message: 'Bad request',
    });
    expect(read({ event: 'Error', trid: 9, deviceId: '12133370', message: 'x' })).toEqual({
      kind: 'error-frame',
      trid: 9,
      deviceId: 'b923fa',
      message: 'x',
    });
  });
});
