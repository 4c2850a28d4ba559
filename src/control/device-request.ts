import type { z } from 'zod';
import type { ShellyRequest } from '../shelly';
import { DeviceCommand, deviceCommand, toShellyCommand } from './device-command';
import { rpcCall, RpcCommand } from './rpc-call';

/** Which route a request came by: a command, or a Gen2+ RPC call. */
export type RequestKind = 'command' | 'rpc';

/** A validated request to a device, as the pipeline, its audit and idempotency keys see it. */
export type DeviceRequest = DeviceCommand | RpcCommand;

export type ParsedRequest =
  { success: true; data: DeviceRequest } | { success: false; error: z.ZodError };

export function parseRequest(kind: RequestKind, body: unknown): ParsedRequest {
  if (kind === 'command') return deviceCommand.safeParse(body);
  const parsed = rpcCall.safeParse(body);
  return parsed.success ? { success: true, data: { type: 'rpc', ...parsed.data } } : parsed;
}

export function toShellyRequest(request: DeviceRequest): ShellyRequest {
  if (request.type !== 'rpc') return { kind: 'command', data: toShellyCommand(request) };
  return { kind: 'rpc', method: request.method, params: request.params };
}
