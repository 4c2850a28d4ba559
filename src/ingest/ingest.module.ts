import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts';
import { ConsentModule } from '../consent';
import { DeviceStateModule } from '../device-state';
import { PublishModule } from '../publish';
import { IngestPipeline } from './ingest-pipeline';

/** Frames to Kafka: the frame port of the Shelly sessions, feeding the publish buffer. */
@Module({
  imports: [AccountsModule, ConsentModule, DeviceStateModule, PublishModule],
  providers: [IngestPipeline],
  exports: [IngestPipeline],
})
export class IngestModule {}
