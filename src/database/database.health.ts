import { Injectable } from '@nestjs/common';
import { HealthIndicator, type HealthReport } from '../common';
import { PgPool } from './pg-pool';

const DATABASE_TIMEOUT_MS = 2_000;

/**
 * `ok` when Postgres answers a query within 2 s; `timeout` or `unreachable` otherwise. A query still
 * waiting after 2 s ends by the pool's connect and statement timeouts, so probes of a silent database
 * do not hold connections for good.
 */
@Injectable()
export class DatabaseHealth extends HealthIndicator {
  readonly name = 'database';

  constructor(private readonly pool: PgPool) {
    super();
  }

  async check(): Promise<HealthReport> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), DATABASE_TIMEOUT_MS);
    });
    const query = this.pool.query('SELECT 1').then(
      () => 'ok',
      () => 'unreachable',
    );
    try {
      const detail = await Promise.race([query, timeout]);
      return { healthy: detail === 'ok', detail };
    } finally {
      clearTimeout(timer);
    }
  }
}
