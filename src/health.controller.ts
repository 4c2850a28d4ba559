import { Controller, Get, Inject, Res } from '@nestjs/common';
import { HealthIndicator } from './common';
import { Public } from './partners';
import { AvailableDuringShutdown, ShutdownState } from './shutdown';

/** The health indicators of the modules, assembled by the root module. */
export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');

export interface Readiness {
  /** `ok` only when every check is; `shutting_down` once shutdown began (no checks then). */
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

  /** 200 when this instance can do its job right now; 503 with the failing checks named otherwise. */
  @Get('ready')
  async ready(
    @Res({ passthrough: true }) response: { status(code: number): unknown },
  ): Promise<Readiness> {
    const readiness = await this.readiness();
    response.status(readiness.status === 'ok' ? 200 : 503);
    return readiness;
  }

  private async readiness(): Promise<Readiness> {
    if (this.shutdown.isShuttingDown) return { status: 'shutting_down' };
    const reports = await Promise.all(this.indicators.map((indicator) => indicator.check()));
    return {
      status: reports.every((report) => report.healthy) ? 'ok' : 'degraded',
      checks: Object.fromEntries(
        reports.map((report, index) => [this.indicators[index].name, report.detail]),
      ),
    };
  }
}
