import { Status } from './gen1-status';
import type { SimulatedDevice } from './simulated-device';

/** Frames the cloud sends on an Integrator or a Real Time Events socket. */

export function statusFrame(deviceId: string, status: Status): string {
  return JSON.stringify({ event: 'Shelly:StatusOnChange', deviceId, status });
}

export function onlineFrame(deviceId: string, online: boolean): string {
  return JSON.stringify({ event: 'Shelly:Online', deviceId, online: online ? 1 : 0 });
}

/** The Real Time Events channel names the device with an object, not a flat `deviceId` (protocol 4.3). */
function rteDevice(device: SimulatedDevice): { id: string; code: string; gen: string } {
  return { id: device.identity.deviceId, code: device.model.code, gen: device.model.gen };
}

export function rteStatusFrame(device: SimulatedDevice, status: Status): string {
  return JSON.stringify({ event: 'Shelly:StatusOnChange', device: rteDevice(device), status });
}

export function rteOnlineFrame(device: SimulatedDevice, online: boolean): string {
  return JSON.stringify({
    event: 'Shelly:Online',
    device: rteDevice(device),
    online: online ? 1 : 0,
  });
}

export function settingsFrame(deviceId: string, settings: Status): string {
  return JSON.stringify({ event: 'Shelly:Settings', deviceId, settings });
}

export interface CommandAnswer {
  isok: boolean;
  res?: string;
}

export function commandResponseFrame(
  trid: number | string,
  deviceId: string | undefined,
  user: number | undefined,
  data: CommandAnswer,
): string {
  return JSON.stringify({ event: 'Shelly:CommandResponse', trid, deviceId, user, data });
}

export function jrpcResponseFrame(
  trid: number | string,
  deviceId: string | undefined,
  response: unknown,
): string {
  return JSON.stringify({ event: 'Shelly:JrpcResponse', trid, deviceId, response });
}

/** What the relay sends instead of a response when a fault says so (protocol 2.8). */
export function errorFrame(trid: number | string, message: string): string {
  return JSON.stringify({ event: 'Error', trid, message });
}

export function actionResponseFrame(
  trid: number | string,
  user: string | undefined,
  data: Record<string, unknown>,
): string {
  return JSON.stringify({ event: 'Integrator:ActionResponse', trid, user, data });
}

export const malformedKinds = [
  'not-json',
  'missing-event',
  'missing-device-id',
  'wrong-types',
  'unknown-event',
  'binary',
  'oversized',
] as const;
export type MalformedKind = (typeof malformedKinds)[number];

/** Above Kafka's default record limit (1 MiB), below the largest frame a client should read (4 MiB). */
const OVERSIZED_FRAME_CHARACTERS = 2 * 1024 * 1024;

/** A frame a robust client must survive; `binary` is the only one sent as a binary message. */
export function malformedFrame(kind: MalformedKind, deviceId: string): string | Buffer {
  switch (kind) {
    case 'not-json':
      return `{"event":"Shelly:StatusOnChange","deviceId":"${deviceId}","status":{`;
    case 'missing-event':
      return JSON.stringify({ deviceId, status: { 'switch:0': { id: 0, output: true } } });
    case 'missing-device-id':
      return JSON.stringify({ event: 'Shelly:StatusOnChange', status: { relays: [] } });
    case 'wrong-types':
      return JSON.stringify({ event: 'Shelly:Online', deviceId: Number(deviceId), online: 'yes' });
    case 'unknown-event':
      return JSON.stringify({ event: 'Shelly:Unheard', deviceId, payload: { x: 1 } });
    case 'binary':
      return Buffer.from(statusFrame(deviceId, { 'switch:0': { id: 0, output: true } }));
    case 'oversized': {
      const start = `{"event":"Shelly:StatusOnChange","deviceId":"${deviceId}","status":{"note":"`;
      return start + 'x'.repeat(OVERSIZED_FRAME_CHARACTERS - start.length);
    }
  }
}
