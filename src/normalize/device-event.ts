import { Measurement } from './measurement';
import { StatusFormat } from './status-measurements';

export type ShellyApi = 'integrator' | 'rte';

export interface EventSource {
  api: ShellyApi;
  host: string;
  /**
   * The linked account whose RTE socket read the frame: its Shelly user id, as the account's OAuth
   * token states it (`user_id`). Absent on Integrator events.
   */
  account?: string;
  /** Set when the event comes from the cloud's answer to a resync's `DeviceVerify`, not a frame. */
  resync?: true;
  /** Set when the event comes from a Cloud Control snapshot of a linked account, not a frame. */
  snapshot?: true;
}

/**
 * `gen` and `model` are set when the frame states them (RTE frames do); `owner` never is. The consent
 * step fills what is null from the consent store.
 */
export interface EventDevice {
  id: string;
  gen: string | null;
  model: string | null;
  owner: number | null;
}

/** What every device event carries, whatever its type. */
export interface EventEnvelope<Type extends string> {
  type: Type;
  id: string;
  time: string;
  /** The partner of the device's consent: filled by the consent step, like `device.owner`. */
  partner: string | null;
  source: EventSource;
  device: EventDevice;
}

export interface DeviceStatusEvent extends EventEnvelope<'device.status.v1'> {
  format: StatusFormat;
  measurements: Measurement[];
  /** The status object as received, only when raw statuses are configured to be included. */
  status?: Record<string, unknown>;
}

export interface DeviceOnlineEvent extends EventEnvelope<'device.online.v1'> {
  online: boolean;
}

export interface DeviceSettingsEvent extends EventEnvelope<'device.settings.v1'> {
  settings: Record<string, unknown>;
}

export type DeviceEvent = DeviceStatusEvent | DeviceOnlineEvent | DeviceSettingsEvent;
export type DeviceEventType = DeviceEvent['type'];
