import { Module } from '@nestjs/common';
import { ConsentModule } from '../consent';
import { DeviceStateModule } from '../device-state';
import { PublishModule } from '../publish';
import { LatestStatePublisher } from './latest-state.publisher';

/** The compacted `device-state` topic: each consented device's latest state, a tombstone once it ends. */
@Module({
  imports: [ConsentModule, DeviceStateModule, PublishModule],
  providers: [LatestStatePublisher],
})
export class LatestStateModule {}
