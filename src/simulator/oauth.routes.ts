import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Account, Accounts } from './accounts';
import { readBody, refuse, sendJson } from './http-io';
import type { OAuthTokens } from './oauth-tokens';
import type { SimulatorFaults } from './simulator-faults';
import type { OAuthClientSpec } from './simulator.types';

export const LOGIN_PATH = '/oauth_login.html';
export const OAUTH_AUTH_PATH = '/oauth/auth';
export const DIY_CLIENT_ID = 'shelly-diy';
/** What Shelly's login page was seen to answer a request it cannot use (spelling as observed). */
const WRONG_PARAMETERS = 'Wrong parameteres provided!';
const FORM_LIMIT_BYTES = 16 * 1024;

export interface OAuthDependencies {
  accounts: Accounts;
  tokens: OAuthTokens;
  faults: SimulatorFaults;
  clients: readonly OAuthClientSpec[];
}

/**
 * Shelly's OAuth authorization-code flow (protocol 4.1, 4.2): the login page, standing in for the
 * user who signs in and allows access, and `/oauth/auth` on the account's home host.
 */
export class OAuthRoutes {
  /** Which `redirect_uri` each client may use; `shelly-diy` any. */
  private readonly redirectRules: Map<string, RegExp>;

  constructor(private readonly deps: OAuthDependencies) {
    this.redirectRules = new Map([
      [DIY_CLIENT_ID, /^/],
      ...deps.clients.map((client): [string, RegExp] => [
        client.clientId,
        new RegExp(`^(?:${client.redirectUriPattern})$`),
      ]),
    ]);
  }

  /**
   * `GET /oauth_login.html?client_id&redirect_uri&state`: the user signs in and is sent back to
   * `redirect_uri` with `code` and `state`. Which account signs in: the `user_id` parameter, or the
   * only account there is. Like Shelly, it appends `state` without URL-encoding it.
   */
  async login(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const query = new URL(request.url ?? '/', 'http://simulator').searchParams;
    if (request.method !== 'GET') return sendText(response, 405, 'use GET');
    const clientId = query.get('client_id') ?? '';
    const redirectUri = query.get('redirect_uri');
    const rule = this.redirectRules.get(clientId);
    if (!redirectUri || !URL.canParse(redirectUri) || !rule?.test(redirectUri)) {
      return sendText(response, 400, WRONG_PARAMETERS);
    }
    const account = this.signingIn(query.get('user_id'));
    if (!account) {
      return sendText(response, 404, 'no such account: name it with user_id');
    }
    const code = await this.deps.tokens.issueCode(account, clientId);
    const state = query.get('state');
    const location =
      `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}code=${code}` +
      (state === null ? '' : `&state=${state}`);
    response.writeHead(302, { location, 'content-length': 0 });
    response.end();
  }

  /**
   * `/{host}/oauth/auth` with `client_id` and `grant_type=code&code=…` or
   * `grant_type=refresh_token&refresh_token=<access token>`, as a query string or a form or JSON
   * body. A code can be exchanged again to renew, as clients do.
   */
  async exchange(host: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'POST') {
      return refuse(response, 405, 'method_not_allowed', 'use POST');
    }
    const params = await readParams(request);
    const clientId = params.get('client_id');
    if (!clientId || !this.redirectRules.has(clientId)) {
      return refuse(response, 400, 'invalid_client', 'unknown client_id');
    }
    const grantType = params.get('grant_type');
    if (grantType === 'code') return this.exchangeCode(host, clientId, params, response);
    if (grantType === 'refresh_token') return this.refresh(host, clientId, params, response);
    return refuse(
      response,
      400,
      'unsupported_grant_type',
      'grant_type must be code or refresh_token',
    );
  }

  private async exchangeCode(
    host: string,
    clientId: string,
    params: URLSearchParams,
    response: ServerResponse,
  ): Promise<void> {
    const check = await this.deps.tokens.checkCode(params.get('code') ?? '');
    if (!check.ok) return refuse(response, 400, 'invalid_grant', `code ${check.reason}`);
    if (check.clientId !== clientId) {
      return refuse(response, 400, 'invalid_grant', 'the code belongs to another client');
    }
    const renewal = this.deps.tokens.markExchanged(check.codeId);
    return this.grant(host, check.userId, clientId, renewal, response);
  }

  private async refresh(
    host: string,
    clientId: string,
    params: URLSearchParams,
    response: ServerResponse,
  ): Promise<void> {
    const check = await this.deps.tokens.checkAccess(params.get('refresh_token'));
    if (!check.ok) return refuse(response, 400, 'invalid_grant', `token ${check.reason}`);
    if (check.clientId !== clientId) {
      return refuse(response, 400, 'invalid_grant', 'the token belongs to another client');
    }
    return this.grant(host, check.userId, clientId, true, response);
  }

  private async grant(
    host: string,
    userId: number,
    clientId: string,
    renewal: boolean,
    response: ServerResponse,
  ): Promise<void> {
    const account = this.deps.accounts.get(userId);
    if (!account) return refuse(response, 400, 'invalid_grant', 'no such account');
    if (account.host !== host) return refuse(response, 400, 'wrong_host', account.host);
    if (renewal && this.deps.faults.refusingTokenRenewal) {
      return refuse(response, 400, 'invalid_grant', 'renewal refused');
    }
    sendJson(response, 200, {
      access_token: await this.deps.tokens.issueAccessToken(account, clientId),
      expires_in: this.deps.tokens.lifetimeSeconds,
    });
  }

  private signingIn(userId: string | null): Account | undefined {
    if (userId !== null) return this.deps.accounts.get(Number(userId));
    const all = this.deps.accounts.all();
    return all.length === 1 ? all[0] : undefined;
  }
}

/** The query string, and over it the form or JSON body. */
async function readParams(request: IncomingMessage): Promise<URLSearchParams> {
  const params = new URL(request.url ?? '/', 'http://simulator').searchParams;
  const text = await readBody(request, FORM_LIMIT_BYTES);
  const body: Record<string, unknown> = (request.headers['content-type'] ?? '').includes('json')
    ? readJsonObject(text)
    : Object.fromEntries(new URLSearchParams(text));
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') params.set(key, value);
  }
  return params;
}

function readJsonObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
