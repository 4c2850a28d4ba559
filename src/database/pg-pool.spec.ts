import { EventEmitter } from 'node:events';
import { PgPool } from './pg-pool';

/** A pool whose one connection fails the statement after BEGIN with `failure`, and maybe the rollback. */
function poolFailingWith(failure: Error, rollbackFailure?: Error) {
  const query = jest.fn((sql: string) => {
    if (sql === 'BEGIN') return Promise.resolve();
    if (sql === 'ROLLBACK')
      return rollbackFailure ? Promise.reject(rollbackFailure) : Promise.resolve();
    return Promise.reject(failure);
  });
  const release = jest.fn();
  const client = Object.assign(new EventEmitter(), { query, release });
  const pool = new PgPool({});
  jest.spyOn(pool, 'connect').mockResolvedValue(client as never);
  return { pool, client, query, release };
}

describe('a transaction that fails', () => {
  it('rolls back and returns the connection after a refused statement', async () => {
    const refused = Object.assign(new Error('duplicate key'), { code: '23505' });
    const { pool, query, release } = poolFailingWith(refused);
    await expect(pool.transaction((db) => db.query('INSERT 1'))).rejects.toBe(refused);
    expect(query).toHaveBeenLastCalledWith('ROLLBACK');
    expect(release).toHaveBeenCalledWith(undefined);
  });

  it('closes a connection the database stopped answering, without waiting on a rollback', async () => {
    const silent = new Error('Query read timeout');
    const { pool, query, release } = poolFailingWith(silent);
    await expect(pool.transaction((db) => db.query('INSERT 1'))).rejects.toBe(silent);
    expect(query).not.toHaveBeenCalledWith('ROLLBACK');
    expect(release).toHaveBeenCalledWith(silent);
  });

  it('closes a connection whose rollback failed', async () => {
    const refused = Object.assign(new Error('division by zero'), { code: '22012' });
    const rollbackFailure = new Error('cannot roll back');
    const { pool, release } = poolFailingWith(refused, rollbackFailure);
    await expect(pool.transaction((db) => db.query('INSERT 1'))).rejects.toBe(refused);
    expect(release).toHaveBeenCalledWith(rollbackFailure);
  });

  it('closes a connection lost while the transaction waits, without ending the process', async () => {
    const notQueryable = new Error(
      'Client has encountered a connection error and is not queryable',
    );
    const lost = Object.assign(
      new Error('terminating connection due to idle-in-transaction timeout'),
      {
        code: '25P03',
      },
    );
    const { pool, client, query, release } = poolFailingWith(notQueryable);
    const work = async () => {
      client.emit('error', lost);
      await client.query('DELETE 1');
    };
    await expect(pool.transaction(work)).rejects.toBe(notQueryable);
    expect(query).not.toHaveBeenCalledWith('ROLLBACK');
    expect(release).toHaveBeenCalledWith(lost);
    expect(client.listenerCount('error')).toBe(0);
  });
});
