import type { Consent } from '../consent';
import type { DeviceStateView, KnownMeasurement } from '../device-state';

/**
 * One device's record on the compacted `device-state` topic: everything known of it, merged, each
 * measurement with the time it was last reported. The latest record per key is the device's state;
 * a tombstone (no value) says its consent ended.
 */
export interface LatestState {
  type: 'device.state.v1';
  id: string;
  /** When this record was made; `lastSeenAt` and each measurement's `time` say how fresh it is. */
  time: string;
  partner: string;
  device: { id: string; model: string | null; owner: number; host: string };
  /** `null` until the device has reported since this instance started. */
  online: boolean | null;
  lastSeenAt: string | null;
  measurements: KnownMeasurement[];
}

export const LATEST_STATE_TYPE = 'device.state.v1';

export function latestState(
  consent: Consent,
  view: DeviceStateView,
  meta: { id: string; time: string },
): LatestState {
  return {
    type: LATEST_STATE_TYPE,
    id: meta.id,
    time: meta.time,
    partner: consent.partnerId,
    device: {
      id: consent.deviceId,
      model: consent.deviceCode ?? consent.deviceType,
      owner: consent.ownerUserId,
      host: consent.host,
    },
    online: view.online,
    lastSeenAt: view.lastSeenAt,
    measurements: view.measurements,
  };
}
