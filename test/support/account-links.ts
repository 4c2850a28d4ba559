import { randomBytes } from 'node:crypto';
import { callService, type ServiceAnswer } from './service-api';

/** The OAuth client the simulator registers: it redirects to the callback of a service on this machine. */
export const OAUTH_CLIENT = {
  clientId: 'acme-ingest',
  redirectUriPattern: 'http://127\\.0\\.0\\.1:\\d+/v1/accounts/oauth/callback',
};

/** What a service needs to link accounts through that client: its id, and a new key to seal tokens. */
export function accountLinkingEnv(): Record<string, string> {
  return {
    SHELLY_OAUTH_CLIENT_ID: OAUTH_CLIENT.clientId,
    ACCOUNT_TOKEN_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  };
}

/** `POST /v1/accounts/links`: the login page's URL, with the signed state. */
export async function createAccountLink(
  serviceUrl: string,
  key: string,
  scope: 'read' | 'control',
): Promise<string> {
  const link = await callService(serviceUrl, 'POST', '/v1/accounts/links', key, { scope });
  if (link.status !== 201) throw new Error(`no account link: ${link.text}`);
  return link.body.url as string;
}

/** The user signs in on the login page, which sends the browser back with a code and the state. */
export async function signIn(linkUrl: string, userId: number): Promise<string> {
  const login = await fetch(`${linkUrl}&user_id=${userId}`, { redirect: 'manual' });
  if (login.status !== 302) throw new Error(`the login page answered ${login.status}`);
  return login.headers.get('location') as string;
}

/** The browser lands on the service's redirect URI. */
export async function followRedirect(redirect: string): Promise<ServiceAnswer> {
  const response = await fetch(redirect);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: JSON.parse(text) as Record<string, unknown>,
    text,
  };
}

/** The whole OAuth flow through the service: link, sign in as the user, land on the redirect URI. */
export async function linkThroughService(
  serviceUrl: string,
  key: string,
  scope: 'read' | 'control',
  userId: number,
): Promise<ServiceAnswer> {
  return followRedirect(await signIn(await createAccountLink(serviceUrl, key, scope), userId));
}
