/** Every timer the simulator sets, so that `stop` clears them all; none keeps the process alive. */
export class SimulatorTimers {
  private readonly pending = new Set<NodeJS.Timeout>();

  schedule(run: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      run();
    }, delayMs);
    timer.unref();
    this.pending.add(timer);
  }

  clear(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
