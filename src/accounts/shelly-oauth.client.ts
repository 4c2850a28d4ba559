import { Injectable } from '@nestjs/common';
import { type AppConfig, InjectConfig } from '../config';

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Shelly's answer to `/oauth/auth`: a body to read, a refusal of the grant (HTTP 400, 401, 403),
 * or no usable answer (no connection, 429, 5xx), which may succeed later.
 */
export type OAuthAnswer =
  | { kind: 'granted'; body: unknown }
  | { kind: 'refused'; status: number }
  | { kind: 'unreachable'; problem: string };

/**
 * `POST https://<user_api_url host>/oauth/auth` (protocol 4.1, 4.2): exchanges a code, or renews an
 * access token with itself (`grant_type=refresh_token`). The parameters go in a form body, never in
 * the URL, so no proxy log sees them; a problem never quotes the request.
 */
@Injectable()
export class ShellyOAuthClient {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  exchangeCode(host: string, code: string): Promise<OAuthAnswer> {
    return this.post(host, { grant_type: 'code', code });
  }

  renew(host: string, accessToken: string): Promise<OAuthAnswer> {
    return this.post(host, { grant_type: 'refresh_token', refresh_token: accessToken });
  }

  private async post(host: string, grant: Record<string, string>): Promise<OAuthAnswer> {
    const { clientId, apiUrlTemplate } = this.config.accounts;
    let response: Response;
    try {
      response = await fetch(
        `${apiUrlTemplate.replace('{host}', encodeURIComponent(host))}/oauth/auth`,
        {
          method: 'POST',
          body: new URLSearchParams({ client_id: clientId ?? '', ...grant }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        },
      );
    } catch (error) {
      return { kind: 'unreachable', problem: (error as Error).name };
    }
    if (!response.ok) {
      await response.body?.cancel();
      return [400, 401, 403].includes(response.status)
        ? { kind: 'refused', status: response.status }
        : { kind: 'unreachable', problem: `HTTP ${response.status}` };
    }
    return { kind: 'granted', body: await response.json().catch(() => null) };
  }
}
