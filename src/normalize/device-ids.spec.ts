import { normalize } from '../../test/fixtures/frames/frames';
import { NormalizeResult } from './normalize-frame';

function onlineFrame(deviceId: unknown): NormalizeResult {
  return normalize({ event: 'Shelly:Online', deviceId, online: 1 });
}

function deviceIdOf(result: NormalizeResult): string {
  if (result.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(result)}`);
  return result.events[0].device.id;
}

describe('device ids in frames', () => {
  it('converts a decimal string to lowercase hex', () => {
    expect(deviceIdOf(onlineFrame('224830197357980'))).toBe('cc7b5c0c5d9c');
  });

  it('converts a number the way it converts the same digits as a string', () => {
    expect(deviceIdOf(onlineFrame(224830197357980))).toBe('cc7b5c0c5d9c');
    expect(deviceIdOf(onlineFrame(12133370))).toBe('b923fa');
  });

  it('lowercases a hex id', () => {
    expect(deviceIdOf(onlineFrame('CC7B5C0C5D9C'))).toBe('cc7b5c0c5d9c');
  });

  it('reads an id of six digits as decimal, the form the cloud sends, and keeps its hex reading', () => {
    const result = onlineFrame('662316');

    expect(deviceIdOf(result)).toBe('0a1b2c');
    expect(result).toMatchObject({ hexReading: '662316' });
  });

  it('reads an id of twelve digits as decimal and keeps its hex reading', () => {
    const result = onlineFrame('485519999340');

    expect(deviceIdOf(result)).toBe('00710b3f416c');
    expect(result).toMatchObject({ hexReading: '485519999340' });
  });

  it.each([
    ['a decimal that is no hex id', '224830197357980'],
    ['a hex id with letters', '0a1b2c'],
    ['digits with a leading zero', '012345'],
    ['a number', 662316],
  ])('names no second reading for %s', (_case, deviceId) => {
    expect(onlineFrame(deviceId)).toMatchObject({ kind: 'events', hexReading: undefined });
  });

  it('passes a BLE X… id through unchanged', () => {
    expect(deviceIdOf(onlineFrame('XB1234567890A'))).toBe('XB1234567890A');
  });

  it.each([
    ['a string that is no id', 'kitchen'],
    ['an empty string', ''],
    ['a decimal with a leading zero', '0224830197357980'],
    ['a negative number', -5],
    ['a fraction', 12.5],
    ['a boolean', true],
    ['an object', { id: '12133370' }],
  ])('rejects %s as invalid_device_id', (_case, deviceId) => {
    expect(onlineFrame(deviceId)).toMatchObject({ kind: 'rejected', reason: 'invalid_device_id' });
  });

  it.each([
    ['a decimal string beyond 2^48', String(2 ** 48)],
    ['a 16-digit decimal string', '1234567890123456'],
    ['a number beyond 2^48', 2 ** 48],
  ])('rejects %s as number_out_of_range', (_case, deviceId) => {
    expect(onlineFrame(deviceId)).toMatchObject({
      kind: 'rejected',
      reason: 'number_out_of_range',
    });
  });

  it('accepts the largest 48-bit id', () => {
    expect(deviceIdOf(onlineFrame(String(2 ** 48 - 1)))).toBe('ffffffffffff');
  });

  it('rejects a frame without any device id as missing_device_id', () => {
    expect(normalize({ event: 'Shelly:Online', online: 1 })).toMatchObject({
      kind: 'rejected',
      reason: 'missing_device_id',
    });
    expect(normalize({ event: 'Shelly:Online', deviceId: null, online: 1 })).toMatchObject({
      reason: 'missing_device_id',
    });
  });
});
