/** An answer of the service's API, its body parsed. */
export interface AccountAnswer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

export async function callService(
  serviceUrl: string,
  method: string,
  path: string,
  key: string | null,
  body?: unknown,
): Promise<AccountAnswer> {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${serviceUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    text,
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
export async function followRedirect(redirect: string): Promise<AccountAnswer> {
  const response = await fetch(redirect);
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, text };
}

/** The whole OAuth flow through the service: link, sign in as the user, land on the redirect URI. */
export async function linkThroughService(
  serviceUrl: string,
  key: string,
  scope: 'read' | 'control',
  userId: number,
): Promise<AccountAnswer> {
  return followRedirect(await signIn(await createAccountLink(serviceUrl, key, scope), userId));
}
