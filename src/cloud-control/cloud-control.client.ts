import { Injectable } from '@nestjs/common';
import { type AppConfig, InjectConfig } from '../config';
import { Metrics } from '../observability';
import {
  AccountForgottenError,
  AccountRequestQueue,
  QueueFullError,
} from './account-request-queue';
import {
  CloudControlFailure,
  CloudControlResult,
  DeviceState,
  HttpAnswer,
  ListedDevice,
  readControlAnswer,
  readDeviceList,
  readDeviceStates,
} from './cloud-control-answers';
import { deviceSnapshots, DeviceSnapshot, listedIds, pagesOf } from './device-snapshot';

/** A Shelly account as the Cloud Control API needs it. */
export interface CloudControlAccount {
  id: string;
  /** The account's home server, `https://<host>` (the token's `user_api_url`), without a trailing slash. */
  apiUrl: string;
  /** Asked before every request, so that a renewed token is used as soon as there is one. */
  accessToken: () => Promise<string>;
}

export interface SwitchCommand {
  id: string;
  channel?: number;
  on: boolean;
  toggle_after?: number;
}

export interface CoverCommand {
  id: string;
  channel?: number;
  position?: 'open' | 'close' | 'stop' | number;
  duration?: number;
  relative?: number;
  slatPosition?: number;
  slatRelative?: number;
}

export interface LightCommand {
  id: string;
  channel?: number;
  on?: boolean;
  toggle_after?: number;
  mode?: 'color' | 'white';
  temperature?: number;
  brightness?: number;
  red?: number;
  green?: number;
  blue?: number;
  white?: number;
  gain?: number;
  effect?: number;
}

const REQUEST_TIMEOUT_MS = 10_000;
const MAX_IDS_PER_GET = 10;
/** About a minute of one account's budget; a caller asking for more is told so at once. */
const MAX_WAITING_PER_ACCOUNT = 50;
const MAX_ATTEMPTS = 4;

const endpoints = {
  device_list: '/interface/device/get_all_lists',
  get: '/v2/devices/api/get',
  set_switch: '/v2/devices/api/set/switch',
  set_cover: '/v2/devices/api/set/cover',
  set_light: '/v2/devices/api/set/light',
} as const;
type Endpoint = keyof typeof endpoints;

/**
 * Shelly's Cloud Control HTTP API (protocol 3), per account with its OAuth access token as
 * `Authorization: Bearer`: the device list, v2 `get` and v2 `set/switch|cover|light`. Every request
 * of an account waits its turn in the account's queue; a 429 is retried there. Answers are results,
 * never exceptions; the token appears in no result, log or metric.
 */
@Injectable()
export class CloudControlClient {
  private readonly queue: AccountRequestQueue;

  constructor(
    @InjectConfig() config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    const intervalMs = config.shelly.cloudControlIntervalMs;
    this.queue = new AccountRequestQueue({
      intervalMs,
      maxWaiting: MAX_WAITING_PER_ACCOUNT,
      maxAttempts: MAX_ATTEMPTS,
      retryBackoff: { minMs: intervalMs, maxMs: 8 * intervalMs, jitter: 0.1 },
    });
  }

  /** The account's devices, by hex id (v1 `/interface/device/get_all_lists`). */
  listDevices(
    account: CloudControlAccount,
  ): Promise<CloudControlResult<Record<string, ListedDevice>>> {
    return this.call(account, 'device_list', {}, readDeviceList);
  }

  /**
   * The status of the given devices, asked in pages of ten ids, one after the other: another
   * request of the account (a command) may go between two pages. The first page that fails ends it.
   */
  async getDevices(
    account: CloudControlAccount,
    ids: readonly string[],
  ): Promise<CloudControlResult<DeviceState[]>> {
    const states: DeviceState[] = [];
    for (const page of pagesOf(ids, MAX_IDS_PER_GET)) {
      const answer = await this.call(
        account,
        'get',
        { ids: page, select: ['status'] },
        readDeviceStates,
      );
      if (!answer.ok) return answer;
      states.push(...answer.value);
    }
    return { ok: true, value: states };
  }

  /** Every device of the account with its status: the device list, then `get` for its ids. */
  async snapshot(account: CloudControlAccount): Promise<CloudControlResult<DeviceSnapshot[]>> {
    const listed = await this.listDevices(account);
    if (!listed.ok) return listed;
    const states = await this.getDevices(account, listedIds(listed.value));
    if (!states.ok) return states;
    return { ok: true, value: deviceSnapshots(listed.value, states.value) };
  }

  setSwitch(
    account: CloudControlAccount,
    command: SwitchCommand,
  ): Promise<CloudControlResult<void>> {
    return this.call(account, 'set_switch', command, readControlAnswer);
  }

  setCover(account: CloudControlAccount, command: CoverCommand): Promise<CloudControlResult<void>> {
    return this.call(account, 'set_cover', command, readControlAnswer);
  }

  setLight(account: CloudControlAccount, command: LightCommand): Promise<CloudControlResult<void>> {
    return this.call(account, 'set_light', command, readControlAnswer);
  }

  /** The account is gone: its waiting requests end as `cancelled`, and it holds no memory here. */
  forget(accountId: string): void {
    this.queue.forget(accountId);
  }

  private async call<T>(
    account: CloudControlAccount,
    endpoint: Endpoint,
    body: object,
    read: (answer: HttpAnswer) => CloudControlResult<T>,
  ): Promise<CloudControlResult<T>> {
    this.metrics.cloudControlRequestsPending.inc();
    try {
      return await this.queue.run(
        account.id,
        async () => {
          const result = await this.send(account, endpoint, body, read);
          this.metrics.cloudControlRequests.inc({
            endpoint,
            outcome: result.ok ? 'ok' : result.error,
          });
          return result;
        },
        (result) => !result.ok && result.error === 'rate_limited',
      );
    } catch (error) {
      const failure = queueFailure(error);
      this.metrics.cloudControlRequests.inc({ endpoint, outcome: failure.error });
      return failure;
    } finally {
      this.metrics.cloudControlRequestsPending.dec();
    }
  }

  private async send<T>(
    account: CloudControlAccount,
    endpoint: Endpoint,
    body: object,
    read: (answer: HttpAnswer) => CloudControlResult<T>,
  ): Promise<CloudControlResult<T>> {
    let token: string;
    try {
      token = await account.accessToken();
    } catch (error) {
      return unavailable(`no access token: ${(error as Error).message}`);
    }
    try {
      const response = await fetch(`${account.apiUrl}${endpoints[endpoint]}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      return read({ status: response.status, body: parseJson(text) });
    } catch (error) {
      return unavailable(describeFailure(error));
    }
  }
}

function queueFailure(error: unknown): CloudControlFailure {
  if (error instanceof QueueFullError) {
    return { ok: false, error: 'queue_full', detail: error.message };
  }
  if (error instanceof AccountForgottenError) {
    return { ok: false, error: 'cancelled', detail: error.message };
  }
  throw error;
}

function unavailable(detail: string): CloudControlFailure {
  return { ok: false, error: 'unavailable', detail };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Node's fetch says `fetch failed` and puts the reason in `cause`. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS} ms`;
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
