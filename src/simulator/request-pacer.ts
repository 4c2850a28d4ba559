/**
 * The Cloud Control API's budget of one request per second and account (protocol 3.2): a request
 * is admitted when at least `intervalMs` passed since the account's last admitted one; refused
 * requests do not use up the budget.
 */
export class RequestPacer {
  private readonly lastAdmitted = new Map<number, number>();

  constructor(private readonly intervalMs: number) {}

  admit(userId: number, now: number): boolean {
    const last = this.lastAdmitted.get(userId);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.lastAdmitted.set(userId, now);
    return true;
  }
}
