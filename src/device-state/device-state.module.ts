import { Module } from '@nestjs/common';
import { DeviceStateStore } from './device-state.store';

/** The last known state of each device: written by ingest, read by the control API. */
@Module({ providers: [DeviceStateStore], exports: [DeviceStateStore] })
export class DeviceStateModule {}
