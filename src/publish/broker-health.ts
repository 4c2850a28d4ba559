/** An acknowledgement this recent shows the broker answers; without one, readiness asks the broker. */
const FRESH_ACK_MS = 5_000;
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Whether a producer reaches Kafka, for readiness. Clients report a broker that went away only when a
 * request fails, so a fresh acknowledgement answers at once and otherwise one metadata request,
 * bounded in time and shared by concurrent checks, decides.
 */
export class BrokerHealth {
  private lastAckAt = 0;
  private lastFailureAt = 0;
  private probing?: Promise<boolean>;

  constructor(private readonly requestMetadata: () => Promise<unknown>) {}

  acknowledged(): void {
    this.lastAckAt = Date.now();
  }

  failed(): void {
    this.lastFailureAt = Date.now();
  }

  async check(connected: boolean): Promise<'ok' | 'disconnected'> {
    if (!connected) return 'disconnected';
    const ackIsFresh =
      this.lastAckAt > this.lastFailureAt && Date.now() - this.lastAckAt < FRESH_ACK_MS;
    if (ackIsFresh) return 'ok';
    return (await this.probe()) ? 'ok' : 'disconnected';
  }

  private probe(): Promise<boolean> {
    this.probing ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('metadata request timed out')), PROBE_TIMEOUT_MS);
      });
      const request = this.requestMetadata();
      request.catch(() => undefined); // a late failure after the timeout is not news
      try {
        await Promise.race([request, timeout]);
        return true;
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
        this.probing = undefined;
      }
    })();
    return this.probing;
  }
}
