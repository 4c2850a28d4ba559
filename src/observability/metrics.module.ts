import { Controller, Get, Global, Header, Module } from '@nestjs/common';
import { AvailableDuringShutdown } from '../shutdown';
import { Metrics } from './metrics';

@Controller('metrics')
@AvailableDuringShutdown()
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

@Global()
@Module({ providers: [Metrics], controllers: [MetricsController], exports: [Metrics] })
export class MetricsModule {}
