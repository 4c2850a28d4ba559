import {
  chooseReading,
  cloudDeviceId,
  decimalReading,
  hexReading,
  toDecimalDeviceId,
} from './device-id';

describe('device id readings', () => {
  it.each([
    ['224830197357980', 'cc7b5c0c5d9c'],
    ['12133370', 'b923fa'],
    ['79530338915136', '485519999340'],
    ['662316', '0a1b2c'],
    ['100000000000', '00174876e800'],
  ])('reads decimal %s as hex %s and renders it back', (decimal, hex) => {
    expect(decimalReading(decimal)).toBe(hex);
    expect(toDecimalDeviceId(hex)).toBe(decimal);
  });

  it('pads small numbers to 6 hex characters and larger ones to 12', () => {
    expect(decimalReading('255')).toBe('0000ff');
    expect(decimalReading(String(0x1000000))).toBe('000001000000');
  });

  it('reads 6 or 12 hex characters as hex, lowercased, digits only included', () => {
    expect(hexReading('CC7B5C0C5D9C')).toBe('cc7b5c0c5d9c');
    expect(hexReading('662316')).toBe('662316');
    expect(hexReading('485519999340')).toBe('485519999340');
    expect(toDecimalDeviceId('CC7B5C0C5D9C')).toBe('224830197357980');
  });

  it('reads every all-digit id from the cloud as decimal, and letters as hex', () => {
    expect(cloudDeviceId('662316')).toBe('0a1b2c');
    expect(cloudDeviceId('485519999340')).toBe(decimalReading('485519999340'));
    expect(cloudDeviceId('0a1b2c')).toBe('0a1b2c');
  });

  it('reads digits with a leading zero, which no decimal rendering has, as hex', () => {
    expect(cloudDeviceId('012345')).toBe('012345');
  });

  it('passes X ids of up to 64 characters through unchanged', () => {
    expect(hexReading(`X${'b'.repeat(63)}`)).toBe(`X${'b'.repeat(63)}`);
    expect(cloudDeviceId('XB-7c2f0a11')).toBe('XB-7c2f0a11');
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
    expect(cloudDeviceId(value)).toBeUndefined();
    expect(toDecimalDeviceId(value)).toBeUndefined();
  });

  it('rejects non-string input', () => {
    expect(cloudDeviceId(224830197357980 as unknown as string)).toBeUndefined();
  });
});

describe('choosing between the two readings of an id', () => {
  const known = (ids: string[]) => (id: string) => ids.includes(id);

  it('takes the other reading when only it is a known device', () => {
    expect(chooseReading('0a1b2c', '662316', known(['662316']))).toBe('662316');
  });

  it.each([
    ['only the preferred reading', ['0a1b2c']],
    ['both readings', ['0a1b2c', '662316']],
    ['neither reading', []],
  ])('keeps the preferred reading when %s is known', (_case, ids) => {
    expect(chooseReading('0a1b2c', '662316', known(ids))).toBe('0a1b2c');
  });

  it('takes the one reading there is', () => {
    expect(chooseReading(undefined, '0a1b2c', known([]))).toBe('0a1b2c');
    expect(chooseReading('0a1b2c', undefined, known([]))).toBe('0a1b2c');
  });
});
