import { Module } from '@nestjs/common';
import { ConsentModule } from '../consent';
import { DeviceStateModule } from '../device-state';
import { PublishModule } from '../publish';
import { DeviceStateFeed } from './device-state.feed';
import { LatestStatePublisher } from './latest-state.publisher';
import { PublishedStates } from './published-states';

/**
 * The compacted `device-state` topic: each consented device's latest state, a tombstone once it ends;
 * and, read back, the state of the devices whose sessions other replicas hold.
 */
@Module({
  imports: [ConsentModule, DeviceStateModule, PublishModule],
  providers: [DeviceStateFeed, LatestStatePublisher, PublishedStates],
})
export class LatestStateModule {}
