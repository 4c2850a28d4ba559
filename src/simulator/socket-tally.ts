/** Sockets open at once per key, now and at most so far. */
export class SocketTally {
  private readonly live = new Map<string, number>();
  private readonly peaks = new Map<string, number>();

  opened(key: string): void {
    const live = (this.live.get(key) ?? 0) + 1;
    this.live.set(key, live);
    this.peaks.set(key, Math.max(live, this.peaks.get(key) ?? 0));
  }

  closed(key: string): void {
    this.live.set(key, (this.live.get(key) ?? 1) - 1);
  }

  peak(key: string): number {
    return this.peaks.get(key) ?? 0;
  }

  /** The highest peak among the keys that pass `select`. */
  highestPeak(select: (key: string) => boolean): number {
    let highest = 0;
    for (const [key, peak] of this.peaks) if (select(key)) highest = Math.max(highest, peak);
    return highest;
  }
}
