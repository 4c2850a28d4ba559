import { Injectable } from '@nestjs/common';
import { toDecimalDeviceId } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { isJsonObject } from '../normalize';
import { IntegratorTokenClient } from './integrator-token.client';

const REQUEST_TIMEOUT_MS = 10_000;

/** Shelly's answer to `unsubscribe_device`: done, refused with its error codes, or no answer at all. */
export type UnsubscribeAnswer =
  | { kind: 'done' }
  | { kind: 'refused'; errors: string[] }
  | { kind: 'unreachable'; problem: string };

/**
 * `POST https://<host>/integrator/unsubscribe_device` (protocol 2.3): the integrator drops a device
 * itself, with its integrator JWT. Shelly sends no consent callback for it.
 */
@Injectable()
export class IntegratorUnsubscribeClient {
  constructor(
    private readonly tokens: IntegratorTokenClient,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async unsubscribe(host: string, deviceId: string): Promise<UnsubscribeAnswer> {
    let response: Response;
    try {
      const token = await this.tokens.token();
      response = await fetch(
        this.config.shelly.unsubscribeUrlTemplate.replace('{host}', encodeURIComponent(host)),
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: new URLSearchParams({ id: toDecimalDeviceId(deviceId) as string }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        },
      );
    } catch (error) {
      return { kind: 'unreachable', problem: (error as Error).message };
    }
    const body: unknown = await response.json().catch(() => null);
    if (!isJsonObject(body)) {
      return { kind: 'unreachable', problem: `HTTP ${response.status} without an isok envelope` };
    }
    if (body.isok === true) return { kind: 'done' };
    return { kind: 'refused', errors: errorCodes(body.errors, response.status) };
  }
}

/** `errors` is an object keyed by error code, or an array (protocol 1.4): accept both. */
function errorCodes(errors: unknown, status: number): string[] {
  if (Array.isArray(errors)) return errors.map(String);
  if (isJsonObject(errors)) return Object.keys(errors);
  return [`http_${status}`];
}
