import type { Topics } from '../config';
import type { DeviceEventType } from '../normalize';

export type DeviceTopicKey = keyof Pick<Topics, 'deviceStatus' | 'deviceOnline' | 'deviceSettings'>;

const topicKeys: Record<DeviceEventType, DeviceTopicKey> = {
  'device.status.v1': 'deviceStatus',
  'device.online.v1': 'deviceOnline',
  'device.settings.v1': 'deviceSettings',
};

/** The topic (a key of `Topics`) an event of this type is published to. */
export function topicKeyFor(type: DeviceEventType): DeviceTopicKey {
  return topicKeys[type];
}
