import { Controller, Get, Inject, Res } from '@nestjs/common';
import { HealthIndicator } from './common';
import { Public } from './partners';
import { AvailableDuringShutdown, ShutdownState } from './shutdown';

/** The health indicators of the modules, assembled by the root module. */
export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');

export interface Readiness {
  /** `ok` only when every check is; `shutting_down` once draining began (no checks then). */
  status: 'ok' | 'degraded' | 'shutting_down';
  /** Each module's check by name: `database`, the event driver's (`kafka` or `event_file`), `sessions`. */
  checks?: Record<string, string | Record<string, string>>;
}

@Controller('health')
@Public()
@AvailableDuringShutdown()
export class HealthController {
  constructor(
    @Inject(HEALTH_INDICATORS) private readonly indicators: readonly HealthIndicator[],
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * 200 when this instance can take requests right now; 503 with the failing checks named otherwise.
   * A failing check that does not gate readiness shows as `degraded` with 200.
   */
  @Get('ready')
  async ready(
    @Res({ passthrough: true }) response: { status(code: number): unknown },
  ): Promise<Readiness> {
    const { readiness, ready } = await this.readiness();
    response.status(ready ? 200 : 503);
    return readiness;
  }

  private async readiness(): Promise<{ readiness: Readiness; ready: boolean }> {
    if (this.shutdown.isLeaving) return { readiness: { status: 'shutting_down' }, ready: false };
    const reports = await Promise.all(this.indicators.map((indicator) => indicator.check()));
    return {
      readiness: {
        status: reports.every((report) => report.healthy) ? 'ok' : 'degraded',
        checks: Object.fromEntries(
          reports.map((report, index) => [this.indicators[index].name, report.detail]),
        ),
      },
      ready: reports.every(
        (report, index) => report.healthy || !this.indicators[index].gatesReadiness,
      ),
    };
  }
}
