import { OnModuleDestroy } from '@nestjs/common';
import { Pool, PoolClient, PoolConfig } from 'pg';
import { isDatabaseUnavailable } from '../common';

/**
 * Plain `pg` pool for write paths that run many statements per transaction, where Prisma's
 * interactive transactions cost several times more per commit (measured in bench/).
 */
export class PgPool extends Pool implements OnModuleDestroy {
  /**
   * `onIdleClientError`: an idle client lost its connection (database restart, failover, an admin
   * terminating it). The pool drops that client and connects anew when next asked; without a
   * listener, the pool's `error` event would end the process.
   */
  constructor(config: PoolConfig, onIdleClientError: (error: Error) => void = () => undefined) {
    super(config);
    this.on('error', onIdleClientError);
  }

  async onModuleDestroy(): Promise<void> {
    await this.end();
  }

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken: Error | undefined;
    // The pool listens to idle connections only: without this, one lost now would end the process.
    const onLost = (error: Error) => (broken = error);
    client.on('error', onLost);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection that failed or went silent cannot be trusted to roll back, nor to serve the
      // next caller: releasing it with an error closes it, which ends its transaction too.
      if (!broken && isDatabaseUnavailable(error)) broken = error as Error;
      if (!broken) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      }
      throw error;
    } finally {
      client.off('error', onLost);
      client.release(broken);
    }
  }
}
