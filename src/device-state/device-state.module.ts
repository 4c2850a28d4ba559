import { Module } from '@nestjs/common';
import { ConsentCache, ConsentModule } from '../consent';
import { DeviceStateStore } from './device-state.store';

/**
 * The last known state of each device: written by ingest, read by the control API, dropped when the
 * device's consent is revoked (a device shared again starts afresh).
 */
@Module({
  imports: [ConsentModule],
  providers: [
    {
      provide: DeviceStateStore,
      inject: [ConsentCache],
      useFactory: (consents: ConsentCache) => {
        const states = new DeviceStateStore();
        consents.onRevoke((deviceId) => states.forget(deviceId));
        return states;
      },
    },
  ],
  exports: [DeviceStateStore],
})
export class DeviceStateModule {}
