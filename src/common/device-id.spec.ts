import { toDecimalDeviceId, toHexDeviceId } from './device-id';

describe('device id conversion', () => {
  it.each([
    ['224830197357980', 'cc7b5c0c5d9c'],
    ['12133370', 'b923fa'],
    ['79530338915136', '485519999340'],
  ])('renders decimal %s as hex %s', (decimal, hex) => {
    expect(toHexDeviceId(decimal)).toBe(hex);
    expect(toDecimalDeviceId(hex)).toBe(decimal);
  });

  it('lowercases hex input', () => {
    expect(toHexDeviceId('CC7B5C0C5D9C')).toBe('cc7b5c0c5d9c');
    expect(toDecimalDeviceId('CC7B5C0C5D9C')).toBe('224830197357980');
  });

  it('reads an all-digit value of 6 or 12 characters as hex', () => {
    expect(toHexDeviceId('485519999340')).toBe('485519999340');
    expect(toHexDeviceId('123456')).toBe('123456');
    expect(toDecimalDeviceId('123456')).toBe(String(0x123456));
  });

  it('pads small numbers to 6 hex characters and larger ones to 12', () => {
    expect(toHexDeviceId('255')).toBe('0000ff');
    expect(toHexDeviceId(String(0x1000000))).toBe('000001000000');
  });

  it('keeps decimal input decimal', () => {
    expect(toDecimalDeviceId('224830197357980')).toBe('224830197357980');
  });

  it('passes X ids of up to 64 characters through unchanged', () => {
    expect(toHexDeviceId(`X${'b'.repeat(63)}`)).toBe(`X${'b'.repeat(63)}`);
    expect(toHexDeviceId('XB-7c2f0a11')).toBe('XB-7c2f0a11');
    expect(toDecimalDeviceId('XB-7c2f0a11')).toBe('XB-7c2f0a11');
  });

  it.each([
    '',
    'abc',
    'cc7b5c0c5d9',
    'zz7b5c0c5d9c',
    '0123',
    '-12',
    '1.5',
    ' 12133370',
    String(2 ** 48),
    'X',
    `X${'b'.repeat(64)}`,
  ])('rejects %p', (value) => {
    expect(toHexDeviceId(value)).toBeUndefined();
    expect(toDecimalDeviceId(value)).toBeUndefined();
  });

  it('rejects non-string input', () => {
    expect(toHexDeviceId(224830197357980 as unknown as string)).toBeUndefined();
  });
});
