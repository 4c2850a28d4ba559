// What other modules may use of this one (see .dependency-cruiser.cjs).
export type {
  CloudControlErrorKind,
  CloudControlFailure,
  CloudControlResult,
  DeviceState,
  ListedDevice,
} from './cloud-control-answers';
export { CloudControlClient } from './cloud-control.client';
export type {
  CloudControlAccount,
  CoverCommand,
  LightCommand,
  SwitchCommand,
} from './cloud-control.client';
export { CloudControlModule } from './cloud-control.module';
export { snapshotFrames } from './device-snapshot';
export type { DeviceSnapshot } from './device-snapshot';
