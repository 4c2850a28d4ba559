import type { ShellySimulator } from '../../src/simulator/simulator.server';
import type { Frame } from './socket-client';

export const REDIRECT_URI = 'https://partner.example/shelly/oauth/callback';

/** The browser's part: the login page's redirect, read as Shelly's client would. */
export async function logIn(
  simulator: ShellySimulator,
  query: Record<string, string>,
): Promise<{ status: number; location: URL | null; text: string }> {
  const response = await fetch(`${simulator.loginUrl}?${new URLSearchParams(query).toString()}`, {
    redirect: 'manual',
  });
  const location = response.headers.get('location');
  return {
    status: response.status,
    location: location === null ? null : new URL(location),
    text: await response.text(),
  };
}

export async function authorizationCode(
  simulator: ShellySimulator,
  userId: number,
): Promise<string> {
  const { location } = await logIn(simulator, {
    client_id: 'shelly-diy',
    redirect_uri: REDIRECT_URI,
    state: 'st',
    user_id: String(userId),
  });
  const code = location?.searchParams.get('code');
  if (!code) throw new Error('the login page sent back no code');
  return code;
}

/** `/oauth/auth` on `host`, with form parameters. */
export async function oauthAuth(
  simulator: ShellySimulator,
  host: string,
  form: Record<string, string>,
): Promise<{ status: number; body: Frame }> {
  const response = await fetch(`${simulator.cloudUrl(host)}/oauth/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Frame };
}

/** The whole flow: log in as the account, exchange the code at its home host. */
export async function linkAccount(
  simulator: ShellySimulator,
  userId: number,
  host: string,
): Promise<{ code: string; accessToken: string }> {
  const code = await authorizationCode(simulator, userId);
  const { body } = await oauthAuth(simulator, host, {
    client_id: 'shelly-diy',
    grant_type: 'code',
    code,
  });
  if (typeof body.access_token !== 'string') throw new Error('no access token');
  return { code, accessToken: body.access_token };
}
