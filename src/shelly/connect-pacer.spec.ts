import { ConnectPacer } from './connect-pacer';

describe('ConnectPacer', () => {
  it('gives callers asking together slots one spacing apart, in order', () => {
    const pacer = new ConnectPacer(4, () => 1000);
    expect([pacer.take(), pacer.take(), pacer.take()]).toEqual([0, 250, 500]);
  });

  it('lets a caller go at once when the pace left it room, without banking unused slots', () => {
    let now = 0;
    const pacer = new ConnectPacer(10, () => now);
    expect(pacer.take()).toBe(0);
    now = 5000;
    expect([pacer.take(), pacer.take()]).toEqual([0, 100]);
  });

  it('counts from the slots already given while they are still ahead', () => {
    let now = 0;
    const pacer = new ConnectPacer(2, () => now);
    pacer.take();
    pacer.take();
    now = 200;
    expect(pacer.take()).toBe(800);
  });
});
