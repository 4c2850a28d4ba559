/** One check of `/health/ready`: whether it passes, and what it shows (a word, or a state per part). */
export interface HealthReport {
  healthy: boolean;
  detail: string | Record<string, string>;
}

/**
 * What a module tells `/health/ready` about the system it owns, in the style of `@nestjs/terminus`
 * indicators: a name, which is the check's key in the answer, and the check.
 */
export abstract class HealthIndicator {
  abstract readonly name: string;
  /**
   * Whether a failing check takes the instance out of the load balancer (`/health/ready` 503), or
   * only shows as `degraded` in the answer: for what another replica could not do better either.
   */
  readonly gatesReadiness: boolean = true;
  abstract check(): Promise<HealthReport>;
}
