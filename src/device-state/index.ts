// What other modules may use of this one (see .dependency-cruiser.cjs).
export { DeviceStateModule } from './device-state.module';
export { DeviceStateStore } from './device-state.store';
export type { DeviceStateView, KnownMeasurement } from './device-state.store';
