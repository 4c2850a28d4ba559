import { OnModuleDestroy } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';

/**
 * Plain `pg` pool for write paths that run many statements per transaction, where Prisma's
 * interactive transactions cost several times more per commit (measured in bench/).
 */
export class PgPool extends Pool implements OnModuleDestroy {
  async onModuleDestroy(): Promise<void> {
    await this.end();
  }

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
