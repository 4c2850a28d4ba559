import { Module, OnModuleInit } from '@nestjs/common';
import { ConsentModule } from '../consent/consent.module';
import { PublishBuffer } from '../publish/publish-buffer';
import { PublishModule } from '../publish/publish.module';
import { CommandCorrelator } from '../shelly/command-correlator';
import { IntegratorTokenClient } from '../shelly/integrator-token.client';
import { FrameSink, SessionManager } from '../shelly/session-manager';
import { DeviceStateStore } from './device-state.store';
import { IngestPipeline } from './ingest-pipeline';

/** Integrator sessions to Kafka: sockets feed the pipeline, the pipeline feeds the publish buffer. */
@Module({
  imports: [ConsentModule, PublishModule],
  providers: [
    IntegratorTokenClient,
    IngestPipeline,
    { provide: FrameSink, useExisting: IngestPipeline },
    SessionManager,
    CommandCorrelator,
    DeviceStateStore,
  ],
  exports: [SessionManager, CommandCorrelator, DeviceStateStore],
})
export class IngestModule implements OnModuleInit {
  constructor(
    private readonly buffer: PublishBuffer,
    private readonly sessions: SessionManager,
  ) {}

  onModuleInit(): void {
    this.buffer.onPressureChange((full) =>
      full ? this.sessions.pauseReading() : this.sessions.resumeReading(),
    );
  }
}
