// What other modules may use of this one (see .dependency-cruiser.cjs).
export type { DeviceEvent, DeviceEventType, EventSource, ShellyApi } from './device-event';
export { isRejected, readDevice, readDeviceId, rejected } from './frame-fields';
export type { RejectedFrame } from './frame-fields';
export { components, metricUnits } from './measurement';
export type { Measurement } from './measurement';
export { normalizeParsedFrame, parseFrame } from './normalize-frame';
export type { NormalizeResult, ParsedFrame } from './normalize-frame';
export { isJsonObject } from './readings';
export type { JsonObject } from './readings';
export { rejectReasons } from './reject-reason';
