import { canControl, readClientFrame, socketDeviceId } from './integrator-protocol';

describe('integrator protocol helpers', () => {
  it.each([
    ['224830197357980', '224830197357980'],
    [224830197357980, '224830197357980'],
    ['XB-7c2f0a11', 'XB-7c2f0a11'],
    ['cc7b5c0c5d9c', undefined],
    ['0123', undefined],
    [-5, undefined],
    [1.5, undefined],
    [null, undefined],
  ])('reads socket device id %p as %p', (value, expected) => {
    expect(socketDeviceId(value)).toBe(expected);
  });

  it.each([
    ['01', true],
    ['00', false],
    ['03', true],
    ['02', false],
    ['FF', true],
  ])('reads access groups %s as control %s', (groups, control) => {
    expect(canControl(groups)).toBe(control);
  });

  it('reads commands and actions and leaves everything else aside', () => {
    expect(
      readClientFrame('{"event":"Shelly:CommandRequest","trid":4,"deviceId":"1","data":{}}'),
    ).toEqual({ kind: 'command', trid: 4, deviceId: '1', data: {} });
    expect(readClientFrame('{"event":"Integrator:ActionRequest","trid":"a","data":1}')).toEqual({
      kind: 'action',
      trid: 'a',
      data: 1,
    });
    expect(readClientFrame('{"event":"Shelly:CommandRequest","trid":{}}')).toMatchObject({
      trid: undefined,
    });
    expect(readClientFrame('[1]')).toEqual({ kind: 'other' });
    expect(readClientFrame('nope')).toEqual({ kind: 'other' });
    expect(readClientFrame('{"event":"Shelly:Online"}')).toEqual({ kind: 'other' });
  });
});
