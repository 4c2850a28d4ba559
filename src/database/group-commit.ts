import { PoolClient } from 'pg';
import { isDatabaseUnavailable } from '../common';

/** One item's own outcome inside a group: its value, or the error that refused it alone. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Runs `work` in one transaction: BEGIN, work, COMMIT (see `PgPool.transaction`). */
export type TransactionRunner<C> = <T>(work: (db: C) => Promise<T>) => Promise<T>;

/**
 * Does a group's items in the transaction given, in their order, and answers one outcome per item.
 * An item refused before it wrote anything (a domain rule) is answered `{ ok: false }` and the
 * others go on; a failed statement must be thrown, as it has aborted the whole transaction.
 */
export type GroupWork<I, R, C> = (db: C, items: readonly I[]) => Promise<Settled<R>[]>;

interface Pending<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: concurrent callers submit items; while a transaction is in flight, new items queue,
 * and the next transaction takes everything queued (up to `maxBatch`) and commits it at once, so a
 * group pays one commit, one WAL flush, instead of one per item. There is no timer: an item
 * submitted while nothing is in flight starts its transaction at once, alone, so a caller waits at
 * most for the transaction in flight and then its own.
 *
 * When a group's transaction fails, each of its items is tried again alone, in order, in a
 * transaction of its own, so one bad item fails only its own caller. Chosen over a SAVEPOINT per
 * item: a savepoint costs its statements on every item of every group, while a failing statement
 * is rare (a refused item is answered without failing the transaction, see `GroupWork`), and the
 * failed group was rolled back whole, so doing its items again writes nothing twice. A group that
 * failed because the database is unreachable is not tried again: each caller gets that error (the
 * commit's outcome may be unknown, and every retry would fail the same way).
 */
export class GroupCommit<I, R, C = PoolClient> {
  private queue: Pending<I, R>[] = [];
  private running = false;

  constructor(
    private readonly transaction: TransactionRunner<C>,
    private readonly work: GroupWork<I, R, C>,
    /** Most items in one transaction. */
    private readonly maxBatch: number,
  ) {}

  /** Resolves with the item's own value once its group committed, or rejects with its own error. */
  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.maxBatch);
        await this.commit(group);
      }
    } finally {
      this.running = false;
    }
  }

  /** Settles every caller of the group; never throws. */
  private async commit(group: Pending<I, R>[]): Promise<void> {
    let outcomes: Settled<R>[];
    try {
      outcomes = await this.run(group.map((pending) => pending.item));
    } catch (error) {
      if (group.length === 1 || isDatabaseUnavailable(error)) {
        for (const pending of group) pending.reject(error);
        return;
      }
      for (const pending of group) await this.commit([pending]);
      return;
    }
    group.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
  }

  private async run(items: I[]): Promise<Settled<R>[]> {
    return this.transaction(async (db) => {
      const outcomes = await this.work(db, items);
      // Checked before the commit: a group that commits must answer every one of its callers.
      if (outcomes.length !== items.length) {
        throw new Error(
          `group work answered ${outcomes.length} outcomes for ${items.length} items`,
        );
      }
      return outcomes;
    });
  }
}
