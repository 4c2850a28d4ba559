import { Injectable } from '@nestjs/common';
import { ShutdownState } from '../common/shutdown';
import { PgPool } from '../database/pg-pool';
import { EventPublisher } from '../publish/event-publisher';
import { SessionManager } from '../shelly/session-manager';

const DATABASE_TIMEOUT_MS = 2_000;

export interface Readiness {
  /** `ok` only when every check is; `shutting_down` once shutdown began (no checks then). */
  status: 'ok' | 'degraded' | 'shutting_down';
  /**
   * `database` and the event driver's check (`kafka`, or `event_file`): `ok` or what is wrong.
   * `sessions`: every host of the consent host set (within SHELLY_HOST_ALLOWLIST), `up` or `down`.
   */
  checks?: Record<string, string | Record<string, 'up' | 'down'>>;
}

/** What `/health/ready` answers: can this instance do its job right now? */
@Injectable()
export class ReadinessCheck {
  constructor(
    private readonly pool: PgPool,
    private readonly publisher: EventPublisher,
    private readonly sessions: SessionManager,
    private readonly shutdown: ShutdownState,
  ) {}

  async check(): Promise<Readiness> {
    if (this.shutdown.isShuttingDown) return { status: 'shutting_down' };
    const [database, publisher] = await Promise.all([
      this.database(),
      this.publisher.health().catch(() => 'error'),
    ]);
    const sessions = Object.fromEntries(
      this.sessions
        .expectedHosts()
        .sort()
        .map((host) => [host, this.sessions.isUp(host) ? ('up' as const) : ('down' as const)]),
    );
    const ok =
      database === 'ok' &&
      publisher === 'ok' &&
      Object.values(sessions).every((state) => state === 'up');
    return {
      status: ok ? 'ok' : 'degraded',
      checks: { database, [this.publisher.healthCheckName]: publisher, sessions },
    };
  }

  private async database(): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), DATABASE_TIMEOUT_MS);
    });
    const query = this.pool.query('SELECT 1').then(
      () => 'ok',
      () => 'unreachable',
    );
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
