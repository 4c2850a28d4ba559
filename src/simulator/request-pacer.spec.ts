import { RequestPacer } from './request-pacer';

describe('Cloud Control request pacing', () => {
  const start = 1_000_000;

  it('admits one request per second per account', () => {
    const pacer = new RequestPacer(1000);

    expect(pacer.admit(1, start)).toBe(true);
    expect(pacer.admit(1, start + 999)).toBe(false);
    expect(pacer.admit(1, start + 1000)).toBe(true);
  });

  it('keeps each account’s budget apart', () => {
    const pacer = new RequestPacer(1000);

    expect(pacer.admit(1, start)).toBe(true);
    expect(pacer.admit(2, start + 1)).toBe(true);
    expect(pacer.admit(1, start + 2)).toBe(false);
  });

  it('does not let refused requests push the next admission back', () => {
    const pacer = new RequestPacer(1000);
    pacer.admit(1, start);
    pacer.admit(1, start + 900);

    expect(pacer.admit(1, start + 1000)).toBe(true);
  });
});
