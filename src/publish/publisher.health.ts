import { Injectable } from '@nestjs/common';
import { HealthIndicator, type HealthReport } from '../common';
import { EventPublisher } from './event-publisher';

/** The event driver's own check, under its name: `kafka`, or `event_file`. */
@Injectable()
export class PublisherHealth extends HealthIndicator {
  readonly name: string;

  constructor(private readonly publisher: EventPublisher) {
    super();
    this.name = publisher.healthCheckName;
  }

  async check(): Promise<HealthReport> {
    const detail = await this.publisher.health().catch(() => 'error');
    return { healthy: detail === 'ok', detail };
  }
}
