import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { malformedKinds } from './frames';
import { BodyTooLargeError, readBody, sendJson } from './http-io';
import { cloudStatus, deviceSettings, SimulatedDevice } from './simulated-device';
import { SimulatorError } from './simulator-error';
import type { SimulatorControl } from './simulator.types';
import { trustTampers } from './trust-token';

/**
 * `/simulator/...`: JSON endpoints that drive a simulator running in another process (the CLI).
 * Errors answer `{error: <CODE>, message}`.
 */
const consentBody = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('add'),
    userId: z.number().int().positive(),
    accessGroups: z
      .string()
      .regex(/^[0-9a-fA-F]{2}$/)
      .optional(),
    names: z.array(z.string()).optional(),
    integrator: z.string().optional(),
    link: z.string().optional(),
    tamper: z.enum(trustTampers).optional(),
    callbackLost: z.boolean().optional(),
  }),
  z.object({
    action: z.literal('remove'),
    integrator: z.string().optional(),
    tamper: z.enum(trustTampers).optional(),
    callbackLost: z.boolean().optional(),
  }),
]);

const bulkConsentBody = z.object({
  userId: z.number().int().positive(),
  accessGroups: z
    .string()
    .regex(/^[0-9a-fA-F]{2}$/)
    .optional(),
  integrator: z.string().optional(),
  link: z.string().optional(),
  devices: z.array(z.string()).optional(),
});

const faultBody = z.discriminatedUnion('fault', [
  z.object({
    fault: z.literal('drop-connection'),
    host: z.string(),
    mode: z.enum(['close', 'terminate']).optional(),
  }),
  z.object({
    fault: z.literal('refuse-connections'),
    host: z.string(),
    durationMs: z.number().int().nonnegative(),
  }),
  z.object({ fault: z.literal('freeze-connection'), host: z.string() }),
  z.object({ fault: z.literal('delay-responses'), delayMs: z.number().int().nonnegative() }),
  z.object({ fault: z.literal('drop-responses'), drop: z.boolean() }),
  z.object({ fault: z.literal('error-frames'), message: z.string().nullable() }),
  z.object({ fault: z.literal('malformed'), host: z.string(), kind: z.enum(malformedKinds) }),
  z.object({ fault: z.literal('refuse-token-renewal'), refuse: z.boolean() }),
  z.object({ fault: z.literal('clear') }),
]);

const loadBody = z.object({
  eventsPerSecond: z.number().positive(),
  durationMs: z.number().int().positive(),
  devices: z.number().int().positive().optional(),
  hosts: z.array(z.string()).optional(),
  integrator: z.string().optional(),
});

const revokeTokensPath = /^\/simulator\/accounts\/(\d+)\/revoke-tokens$/;
const deviceAction = /^\/simulator\/devices\/([^/]+)(?:\/(consent|status|online|settings|move))?$/;

export async function handleControlRequest(
  simulator: SimulatorControl,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
): Promise<void> {
  try {
    const result = await route(simulator, request, response, path);
    if (result !== undefined) sendJson(response, 200, result);
  } catch (error) {
    if (error instanceof z.ZodError) {
      const issue = error.issues[0];
      sendJson(response, 400, {
        error: 'INVALID_REQUEST',
        message: `${issue.path.join('.') || 'body'}: ${issue.message}`,
      });
    } else if (error instanceof SimulatorError) {
      const unknown = error.code === 'UNKNOWN_DEVICE' || error.code === 'UNKNOWN_ACCOUNT';
      sendJson(response, unknown ? 404 : 400, {
        error: error.code,
        message: error.message,
      });
    } else if (error instanceof BodyTooLargeError || error instanceof SyntaxError) {
      sendJson(response, 400, { error: 'INVALID_REQUEST', message: error.message });
    } else {
      throw error;
    }
  }
}

async function route(
  simulator: SimulatorControl,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
): Promise<unknown> {
  const method = request.method ?? 'GET';
  const body = async () => {
    const text = await readBody(request);
    return text === '' ? {} : (JSON.parse(text) as unknown);
  };
  if (method === 'GET' && path === '/simulator/status') {
    return {
      seed: simulator.seed,
      hosts: simulator.hosts,
      devices: simulator.devices.length,
      consents: simulator.consents().length,
      connections: simulator.connections(),
      commands: simulator.commands.length,
    };
  }
  if (method === 'GET' && path === '/simulator/public-key') {
    response.writeHead(200, { 'content-type': 'application/x-pem-file' });
    response.end(simulator.publicKeyPem);
    return undefined;
  }
  if (method === 'GET' && path === '/simulator/devices') {
    return simulator.devices.map((device) => describe(simulator, device));
  }
  if (method === 'GET' && path === '/simulator/commands') return simulator.commands;
  if (method === 'GET' && path === '/simulator/actions') return simulator.actions;
  if (method === 'GET' && path === '/simulator/rpc-calls') return simulator.rpcCalls;
  if (method === 'GET' && path === '/simulator/accounts') {
    return simulator.accounts.map(({ userId, host, devices }) => ({
      userId,
      host,
      devices: devices.map((device) => device.identity.id),
      connections: simulator.accountConnections(userId).length,
    }));
  }
  if (method === 'GET' && path === '/simulator/account-commands') {
    return simulator.accountCommands;
  }
  if (method === 'GET' && path === '/simulator/cloud-calls') return simulator.cloudCalls;
  const revoke = revokeTokensPath.exec(path);
  if (method === 'POST' && revoke) {
    simulator.revokeAccessTokens(Number(revoke[1]));
    return { revoked: true };
  }
  if (method === 'POST' && path === '/simulator/consents') {
    const bulk = bulkConsentBody.parse(await body());
    const targets = bulk.devices?.map((id) => simulator.device(id)) ?? simulator.devices;
    let granted = 0;
    const failed: { device: string; status?: number; error?: string }[] = [];
    for (const device of targets) {
      const result = await simulator.grantConsent(device, bulk);
      if (result.applied) granted += 1;
      else failed.push({ device: device.identity.id, status: result.status, error: result.error });
    }
    return { granted, failed };
  }
  if (method === 'POST' && path === '/simulator/faults') {
    const fault = faultBody.parse(await body());
    return { affected: applyFault(simulator, fault) };
  }
  if (method === 'POST' && path === '/simulator/load') {
    return simulator.load(loadBody.parse(await body()));
  }
  const match = deviceAction.exec(path);
  if (match) {
    const device = simulator.device(decodeURIComponent(match[1]));
    const action = match[2];
    if (method === 'GET' && action === undefined) {
      const now = Date.now();
      return {
        ...describe(simulator, device),
        status: cloudStatus(device, now),
        settings: deviceSettings(device),
      };
    }
    if (method === 'POST' && action === 'consent') {
      const consent = consentBody.parse(await body());
      return consent.action === 'add'
        ? simulator.grantConsent(device, consent, {
            tamper: consent.tamper,
            callbackLost: consent.callbackLost,
          })
        : simulator.revokeConsent(device, consent);
    }
    if (method === 'POST' && action === 'status') {
      const { partial } = z.object({ partial: z.boolean().optional() }).parse(await body());
      return { sent: simulator.emitStatus(device, { partial }) };
    }
    if (method === 'POST' && action === 'online') {
      const { online } = z.object({ online: z.boolean() }).parse(await body());
      return { sent: simulator.setOnline(device, online) };
    }
    if (method === 'POST' && action === 'settings') {
      const change = z
        .object({ name: z.string().optional(), channelNames: z.array(z.string()).optional() })
        .parse(await body());
      return { sent: simulator.emitSettings(device, change) };
    }
    if (method === 'POST' && action === 'move') {
      const { host } = z.object({ host: z.string() }).parse(await body());
      simulator.moveDevice(device, host);
      return describe(simulator, device);
    }
  }
  sendJson(response, 404, { error: 'NOT_FOUND', message: `${method} ${path}` });
  return undefined;
}

function applyFault(simulator: SimulatorControl, fault: z.infer<typeof faultBody>): number {
  const faults = simulator.faults;
  switch (fault.fault) {
    case 'drop-connection':
      return faults.dropConnection(fault.host, fault.mode);
    case 'refuse-connections':
      faults.refuseConnections(fault.host, fault.durationMs);
      return 0;
    case 'freeze-connection':
      return faults.freezeConnection(fault.host);
    case 'delay-responses':
      faults.delayCommandResponses(fault.delayMs);
      return 0;
    case 'drop-responses':
      faults.dropCommandResponses(fault.drop);
      return 0;
    case 'error-frames':
      faults.answerWithErrorFrames(fault.message);
      return 0;
    case 'malformed':
      return faults.sendMalformed(fault.host, fault.kind);
    case 'refuse-token-renewal':
      faults.refuseTokenRenewal(fault.refuse);
      return 0;
    case 'clear':
      faults.clear();
      return 0;
  }
}

function describe(simulator: SimulatorControl, device: SimulatedDevice) {
  return {
    id: device.identity.id,
    deviceId: device.identity.deviceId,
    model: device.model.code,
    name: device.model.name,
    gen: device.model.gen,
    host: device.host,
    online: device.online,
    owner: simulator.accounts.find((account) => account.devices.includes(device))?.userId ?? null,
    consents: simulator
      .consents()
      .filter((consent) => consent.deviceId === device.identity.deviceId)
      .map(({ integrator, userId, accessGroups }) => ({ integrator, userId, accessGroups })),
  };
}
