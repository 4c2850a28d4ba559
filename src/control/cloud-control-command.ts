import type { CoverCommand, LightCommand, SwitchCommand } from '../cloud-control';
import type { DeviceRequest } from './device-request';

/** A command as the Cloud Control API's v2 `set/switch`, `set/cover` or `set/light` takes it. */
export type CloudControlCommand =
  | { endpoint: 'switch'; command: SwitchCommand }
  | { endpoint: 'cover'; command: CoverCommand }
  | { endpoint: 'light'; command: LightCommand };

/**
 * The Cloud Control form of a request to a linked account's device, for when its socket is down;
 * undefined when there is none: RPC calls, and `toggle`, which the HTTP API cannot express (it
 * takes the state to set, and the service does not guess it).
 */
export function cloudControlCommand(
  request: DeviceRequest,
  deviceId: string,
): CloudControlCommand | undefined {
  switch (request.type) {
    case 'rpc':
      return undefined;
    case 'relay':
      if (request.action === 'toggle') return undefined;
      return {
        endpoint: 'switch',
        command: defined({
          id: deviceId,
          channel: request.channel,
          on: request.action === 'on',
          toggle_after: request.timeoutSeconds,
        }),
      };
    case 'light':
      if (request.action === 'toggle') return undefined;
      return {
        endpoint: 'light',
        command: defined({
          id: deviceId,
          channel: request.channel,
          on: request.action === 'on',
          toggle_after: request.timeoutSeconds,
          mode: request.mode,
          temperature: request.colorTemp,
          brightness: request.brightness,
          red: request.red,
          green: request.green,
          blue: request.blue,
          white: request.white,
          gain: request.gain,
          effect: request.effect,
        }),
      };
    case 'roller':
      return {
        endpoint: 'cover',
        command: defined({
          id: deviceId,
          channel: request.channel,
          position: request.action,
          duration: request.durationSeconds,
        }),
      };
    case 'roller_position':
      return {
        endpoint: 'cover',
        command: defined({
          id: deviceId,
          channel: request.channel,
          position: request.position,
          relative: request.relative,
          slatPosition: request.slatPosition,
          slatRelative: request.slatRelative,
        }),
      };
  }
}

/** The fields that are set: an absent one is left out of the JSON body rather than sent as null. */
function defined<T extends object>(command: T): T {
  return Object.fromEntries(
    Object.entries(command).filter(([, value]) => value !== undefined),
  ) as T;
}
