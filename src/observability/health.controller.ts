import { Controller, Get, Res } from '@nestjs/common';
import { AvailableDuringShutdown } from '../common/shutdown';
import { Readiness, ReadinessCheck } from './readiness';

@Controller('health')
@AvailableDuringShutdown()
export class HealthController {
  constructor(private readonly readiness: ReadinessCheck) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when ready; 503 with the failing checks named otherwise. */
  @Get('ready')
  async ready(
    @Res({ passthrough: true }) response: { status(code: number): unknown },
  ): Promise<Readiness> {
    const readiness = await this.readiness.check();
    response.status(readiness.status === 'ok' ? 200 : 503);
    return readiness;
  }
}
