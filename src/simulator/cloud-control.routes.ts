import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Account, Accounts } from './accounts';
import {
  readV2Command,
  readV2Get,
  V2Control,
  V2Error,
  v2ErrorOf,
  v2Errors,
  v1AllStatus,
  v1DeviceList,
  v2DeviceState,
} from './cloud-control';
import { applyDeviceCommand, CommandOptions } from './device-commands';
import type { DeviceReports } from './device-reports';
import { BodyTooLargeError, readBody, sendJson } from './http-io';
import type { OAuthTokens } from './oauth-tokens';
import { remember } from './records';
import type { RequestPacer } from './request-pacer';
import { cloudStatus } from './simulated-device';
import type { RecordedCloudCall, SimulatorOptions } from './simulator.types';

const BODY_LIMIT_BYTES = 64 * 1024;
const v1Paths = ['/device/status', '/device/all_status', '/interface/device/get_all_lists'];
const v2Controls: Record<string, V2Control> = {
  '/v2/devices/api/set/switch': 'switch',
  '/v2/devices/api/set/cover': 'cover',
  '/v2/devices/api/set/light': 'light',
};
const V2_GET_PATH = '/v2/devices/api/get';

export interface CloudControlDependencies extends Pick<SimulatorOptions, 'cloudControlErrors'> {
  accounts: Accounts;
  tokens: OAuthTokens;
  pacer: RequestPacer;
  reports: DeviceReports;
  clock: () => number;
  commandOptions: CommandOptions;
  /** Answer every call 503 (a fault). */
  failing: () => boolean;
}

interface Call {
  account: Account;
  request: IncomingMessage;
  answer: (status: number, body: unknown) => void;
}

/**
 * The Cloud Control HTTP API on an account's home host, authorised by an OAuth access token as
 * `Authorization: Bearer`: v1 status and lists, v2 `get` and `set/switch|cover|light`. Every call
 * with a valid token counts against the account's one request per second.
 */
export class CloudControlRoutes {
  readonly calls: RecordedCloudCall[] = [];

  constructor(private readonly deps: CloudControlDependencies) {}

  handles(path: string): boolean {
    return v1Paths.includes(path) || path === V2_GET_PATH || Object.hasOwn(v2Controls, path);
  }

  async handle(
    host: string,
    path: string,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const { tokens, accounts, pacer, clock } = this.deps;
    const at = clock();
    const record: RecordedCloudCall = {
      at,
      host,
      method: request.method ?? 'GET',
      path,
      status: 0,
    };
    remember(this.calls, record);
    const answer = (status: number, body: unknown) => {
      record.status = status;
      sendJson(response, status, body);
    };
    if (this.deps.failing()) {
      return answer(503, { isok: false, errors: { unavailable: 'Service unavailable' } });
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const access = await tokens.checkAccess(bearer);
    if (!access.ok) {
      return answer(401, { isok: false, errors: { invalid_token: `token ${access.reason}` } });
    }
    record.userId = access.userId;
    const account = accounts.get(access.userId);
    if (!account || account.host !== host) {
      return answer(401, { isok: false, errors: { wrong_host: account?.host ?? 'unknown' } });
    }
    if (!pacer.admit(account.userId, at)) {
      return answer(429, { isok: false, errors: { max_req: 'Request limit reached' } });
    }
    const call: Call = { account, request, answer };
    try {
      if (path === V2_GET_PATH) return await this.v2Get(call);
      if (Object.hasOwn(v2Controls, path)) return await this.v2Set(call, v2Controls[path]);
      return await this.v1(call, path);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError || error instanceof SyntaxError)) throw error;
      return path.startsWith('/v2/')
        ? this.v2Refuse(call, 'BAD_REQUEST', error.message)
        : answer(400, { isok: false, errors: { bad_request: error.message } });
    }
  }

  private async v1(call: Call, path: string): Promise<void> {
    const { request, account, answer } = call;
    const post = request.method === 'POST';
    if (!post && !(request.method === 'GET' && path === '/device/status')) {
      return answer(405, { isok: false, errors: { method_not_allowed: 'use POST' } });
    }
    const params = new URL(request.url ?? '/', 'http://simulator').searchParams;
    if (post) {
      for (const [key, value] of new URLSearchParams(await readBody(request, BODY_LIMIT_BYTES))) {
        params.set(key, value);
      }
    }
    const now = this.deps.clock();
    if (path === '/device/all_status') {
      return answer(200, {
        isok: true,
        data: { devices_status: v1AllStatus(account.devices, now) },
      });
    }
    if (path === '/interface/device/get_all_lists') {
      return answer(200, { isok: true, data: { devices: v1DeviceList(account.devices) } });
    }
    const device = this.deps.accounts.ownedDevice(account, params.get('id'));
    if (!device) {
      return answer(200, {
        isok: false,
        errors: { device_not_found: 'no device with this id on the account' },
      });
    }
    return answer(200, {
      isok: true,
      data: { online: device.online, device_status: cloudStatus(device, now) },
    });
  }

  private async v2Get(call: Call): Promise<void> {
    if (call.request.method !== 'POST') return this.v2Refuse(call, 'BAD_REQUEST', 'use POST');
    const read = readV2Get(await readJson(call.request));
    if (!read.ok) return this.v2Refuse(call, read.error, read.message);
    const now = this.deps.clock();
    const devices = read.value.ids.flatMap((id) => {
      const device = this.deps.accounts.ownedDevice(call.account, id);
      return device ? [v2DeviceState(device, read.value, now)] : [];
    });
    call.answer(200, devices);
  }

  private async v2Set(call: Call, control: V2Control): Promise<void> {
    if (call.request.method !== 'POST') return this.v2Refuse(call, 'BAD_REQUEST', 'use POST');
    const read = readV2Command(control, await readJson(call.request));
    if (!read.ok) return this.v2Refuse(call, read.error, read.message);
    const device = this.deps.accounts.ownedDevice(call.account, read.value.id);
    if (!device) return this.v2Refuse(call, 'DEVICE_NOT_FOUND', 'no device with this id');
    if (!device.online) return this.v2Refuse(call, 'DEVICE_OFFLINE', 'the device is offline');
    const outcome = applyDeviceCommand(
      device.state,
      read.value.cmd,
      read.value.params,
      this.deps.clock(),
      this.deps.commandOptions,
    );
    if (!outcome.ok) return this.v2Refuse(call, v2ErrorOf(outcome.reason), outcome.detail);
    call.answer(200, { isok: true });
    this.deps.reports.applied(device, outcome.changed, outcome.timer);
  }

  /** As documented, or as observed: HTTP 200 with `{"isok":false}` (protocol 3.4). */
  private v2Refuse(call: Call, error: V2Error, message: string): void {
    if (this.deps.cloudControlErrors === 'isok-false') return call.answer(200, { isok: false });
    call.answer(v2Errors[error], { error, data: { messages: [message] } });
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const text = await readBody(request, BODY_LIMIT_BYTES);
  return text === '' ? {} : (JSON.parse(text) as unknown);
}
