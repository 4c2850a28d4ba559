import { Module } from '@nestjs/common';
import { ConsentCache, ConsentModule } from '../consent';
import { DeviceStateStore } from './device-state.store';

/**
 * The last known state of each device: written by ingest, read by the control API and the latest-state
 * topic, dropped when the device's consent ends (a device shared again starts afresh).
 */
@Module({
  imports: [ConsentModule],
  providers: [
    {
      provide: DeviceStateStore,
      inject: [ConsentCache],
      useFactory: (consents: ConsentCache) => {
        const states = new DeviceStateStore();
        consents.onRevoke((ended) => states.forget(ended.deviceId));
        return states;
      },
    },
  ],
  exports: [DeviceStateStore],
})
export class DeviceStateModule {}
