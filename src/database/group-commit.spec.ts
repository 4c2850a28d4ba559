import { GroupCommit, Settled } from './group-commit';

/** A transaction runner whose transactions end when the test says so, one after another. */
function fakeDatabase() {
  const transactions: { items: string[]; commit: () => void; fail: (error: Error) => void }[] = [];
  const runner = async <T>(work: (db: string[]) => Promise<T>): Promise<T> => {
    const items: string[] = [];
    const result = await work(items);
    await new Promise<void>((resolve, reject) => {
      transactions.push({
        items,
        commit: () => resolve(),
        fail: (error) => reject(error),
      });
    });
    return result;
  };
  return { runner, transactions };
}

/** Work that records the group's items and answers each its own value, or refuses `bad-*` alone. */
function work(db: string[], items: readonly string[]): Promise<Settled<string>[]> {
  db.push(...items);
  return Promise.resolve(
    items.map((item) =>
      item.startsWith('bad')
        ? { ok: false, error: new Error(`refused ${item}`) }
        : { ok: true, value: `done ${item}` },
    ),
  );
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('runs an item alone at once when nothing is in flight, with no timer', async () => {
    const db = fakeDatabase();
    const group = new GroupCommit(db.runner, work, 64);
    const answer = group.submit('a');
    await settle();
    expect(db.transactions.map((t) => t.items)).toEqual([['a']]);
    db.transactions[0].commit();
    await expect(answer).resolves.toBe('done a');
  });

  it('queues items while a transaction is in flight, then runs them all in the next one', async () => {
    const db = fakeDatabase();
    const group = new GroupCommit(db.runner, work, 64);
    const first = group.submit('a');
    await settle();
    const queued = ['b', 'c', 'd'].map((item) => group.submit(item));
    await settle();
    // b, c and d wait for a's commit.
    expect(db.transactions).toHaveLength(1);

    db.transactions[0].commit();
    await expect(first).resolves.toBe('done a');
    await settle();
    expect(db.transactions.map((t) => t.items)).toEqual([['a'], ['b', 'c', 'd']]);
    db.transactions[1].commit();
    await expect(Promise.all(queued)).resolves.toEqual(['done b', 'done c', 'done d']);
  });

  it('takes at most maxBatch items in one transaction', async () => {
    const db = fakeDatabase();
    const group = new GroupCommit(db.runner, work, 2);
    const answers = ['a', 'b', 'c', 'd'].map((item) => group.submit(item));
    for (let i = 0; i < 3; i++) {
      await settle();
      db.transactions[i].commit();
    }
    await expect(Promise.all(answers)).resolves.toHaveLength(4);
    expect(db.transactions.map((t) => t.items)).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('answers each item its own outcome: a refused item does not fail the others', async () => {
    const db = fakeDatabase();
    const group = new GroupCommit(db.runner, work, 64);
    const first = group.submit('a');
    const answers = ['b', 'bad-c', 'd'].map((item) => group.submit(item).catch((e: Error) => e));
    await settle();
    db.transactions[0].commit();
    await first;
    await settle();
    db.transactions[1].commit();
    const [b, c, d] = await Promise.all(answers);
    expect(b).toBe('done b');
    expect((c as Error).message).toBe('refused bad-c');
    expect(d).toBe('done d');
    expect(db.transactions).toHaveLength(2);
  });

  it('tries each item of a failed group again alone, in order', async () => {
    const db = fakeDatabase();
    const group = new GroupCommit(db.runner, work, 64);
    const first = group.submit('a');
    const answers = ['b', 'c'].map((item) => group.submit(item).catch((e: Error) => e));
    await settle();
    db.transactions[0].commit();
    await first;
    await settle();
    db.transactions[1].fail(Object.assign(new Error('invalid input'), { code: '22P05' }));
    await settle();
    expect(db.transactions.map((t) => t.items)).toEqual([['a'], ['b', 'c'], ['b']]);
    db.transactions[2].fail(Object.assign(new Error('invalid input'), { code: '22P05' }));
    await settle();
    expect(db.transactions.map((t) => t.items)).toEqual([['a'], ['b', 'c'], ['b'], ['c']]);
    db.transactions[3].commit();
    const [b, c] = await Promise.all(answers);
    expect((b as Error).message).toBe('invalid input');
    expect(c).toBe('done c');
  });

  it('rejects every caller of the group with the error when the database is unreachable', async () => {
    const db = fakeDatabase();
    const group = new GroupCommit(db.runner, work, 64);
    const first = group.submit('a');
    const answers = ['b', 'c'].map((item) => group.submit(item).catch((e: Error) => e));
    await settle();
    db.transactions[0].commit();
    await first;
    await settle();
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), {
      code: 'ECONNRESET',
    });
    db.transactions[1].fail(lost);
    await expect(Promise.all(answers)).resolves.toEqual([lost, lost]);
    expect(db.transactions).toHaveLength(2);

    // The next item starts its own transaction.
    const later = group.submit('e');
    await settle();
    db.transactions[2].commit();
    await expect(later).resolves.toBe('done e');
  });

  it('rejects the caller of a group of one with its error, without trying it again', async () => {
    const db = fakeDatabase();
    const group = new GroupCommit(db.runner, work, 64);
    const answer = group.submit('a');
    await settle();
    const refused = Object.assign(new Error('duplicate key'), { code: '23505' });
    db.transactions[0].fail(refused);
    await expect(answer).rejects.toBe(refused);
    expect(db.transactions).toHaveLength(1);
  });
});
