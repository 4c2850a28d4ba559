/** The `data` of a `Shelly:CommandRequest` (protocol 2.6). */
export interface ShellyCommandData {
  cmd: 'relay' | 'light' | 'roller' | 'roller_to_pos';
  params: Record<string, string | number>;
}

/** What the service asks of a device: an Integrator command, or a Gen2+ RPC call relayed as is. */
export type ShellyRequest =
  | { kind: 'command'; data: ShellyCommandData }
  | { kind: 'rpc'; method: string; params?: Record<string, unknown> };

/** The `Shelly:CommandRequest` frame; the socket carries device ids in decimal. */
export function commandRequestFrame(
  trid: number,
  decimalDeviceId: string,
  data: ShellyCommandData,
): string {
  return JSON.stringify({ event: 'Shelly:CommandRequest', trid, deviceId: decimalDeviceId, data });
}

/** The `Shelly:JrpcRequest` frame (protocol 2.8): the device's own RPC method and its params. */
export function jrpcRequestFrame(
  trid: number,
  decimalDeviceId: string,
  method: string,
  params: Record<string, unknown> | undefined,
): string {
  return JSON.stringify({
    event: 'Shelly:JrpcRequest',
    trid,
    deviceId: decimalDeviceId,
    method,
    params: params ?? {},
  });
}

export function requestFrame(
  trid: number,
  decimalDeviceId: string,
  request: ShellyRequest,
): string {
  return request.kind === 'command'
    ? commandRequestFrame(trid, decimalDeviceId, request.data)
    : jrpcRequestFrame(trid, decimalDeviceId, request.method, request.params);
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
