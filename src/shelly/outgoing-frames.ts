/** The `data` of a `Shelly:CommandRequest` (protocol 2.6). */
export interface ShellyCommandData {
  cmd: 'relay' | 'light' | 'roller' | 'roller_to_pos';
  params: Record<string, string | number>;
}

/** The `Shelly:CommandRequest` frame; the socket carries device ids in decimal. */
export function commandRequestFrame(
  trid: number,
  decimalDeviceId: string,
  data: ShellyCommandData,
): string {
  return JSON.stringify({ event: 'Shelly:CommandRequest', trid, deviceId: decimalDeviceId, data });
}

/** The actions the cloud answers itself, about one device (protocol 2.7). */
export type IntegratorAction = 'DeviceVerify' | 'DeviceGetSettings';

/** The `Integrator:ActionRequest` frame; unlike a command, it carries the device inside `data`. */
export function actionRequestFrame(
  trid: number,
  action: IntegratorAction,
  decimalDeviceId: string,
): string {
  return JSON.stringify({
    event: 'Integrator:ActionRequest',
    trid,
    data: { action, deviceId: decimalDeviceId },
  });
}
