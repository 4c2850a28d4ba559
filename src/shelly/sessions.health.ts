import { Injectable } from '@nestjs/common';
import { HealthIndicator, type HealthReport } from '../common';
import { SessionManager } from './session-manager';

/**
 * Every session this instance holds (within SHELLY_HOST_ALLOWLIST), `up` or `down`. A session down
 * does not take the instance out of the load balancer: its requests would fare no better on another
 * replica, and during a handoff the replicas taking sessions over would all leave it at once.
 */
@Injectable()
export class SessionsHealth extends HealthIndicator {
  readonly name = 'sessions';
  override readonly gatesReadiness = false;

  constructor(private readonly sessions: SessionManager) {
    super();
  }

  check(): Promise<HealthReport> {
    const detail = Object.fromEntries(
      this.sessions
        .expectedHosts()
        .sort()
        .map((host) => [host, this.sessions.isUp(host) ? 'up' : 'down']),
    );
    return Promise.resolve({
      healthy: Object.values(detail).every((state) => state === 'up'),
      detail,
    });
  }
}
