import { Injectable } from '@nestjs/common';
import { HealthIndicator, type HealthReport } from '../common';
import { SessionManager } from './session-manager';

/** Every session this instance should hold (within SHELLY_HOST_ALLOWLIST), `up` or `down`. */
@Injectable()
export class SessionsHealth extends HealthIndicator {
  readonly name = 'sessions';

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
