/** An answer of the service's API, its body parsed. */
export interface ServiceAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

/** One request to the service's API, with an API key when given. */
export async function callService(
  serviceUrl: string,
  method: string,
  path: string,
  key: string | null | undefined,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<ServiceAnswer> {
  const headers: Record<string, string> = { ...extraHeaders };
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
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    text,
  };
}
