import { METHODS } from 'node:http';

/** The slice of Express 5's router that tells which routes match a path. */
interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  match(path: string): boolean;
}

interface RoutedRequest {
  path?: string;
  app?: { router?: { stack?: RouterLayer[] } };
}

/**
 * The methods the routes matching this request's path take; empty when no route matches the path
 * at all. Lets a request with the wrong method be told 405 and what is allowed, rather than 404.
 * Routes that take every method are middleware mounted with `all()` (request logging), not
 * endpoints, and are skipped.
 */
export function allowedMethods(request: RoutedRequest): string[] {
  const path = request.path;
  const stack = request.app?.router?.stack;
  if (typeof path !== 'string' || !Array.isArray(stack)) return [];
  const matching: { methods: string[]; withParameters: boolean }[] = [];
  for (const layer of stack) {
    const taken = layer.route ? Object.keys(layer.route.methods) : [];
    if (taken.length === 0 || taken.length >= METHODS.length || taken.includes('_all')) continue;
    if (!layer.match(path)) continue;
    matching.push({ methods: taken, withParameters: layer.route!.path.includes(':') });
  }
  // A path a route names word for word is that resource, not an id of a route with parameters:
  // `/v1/accounts/links` takes what its own route takes, not what `/v1/accounts/:id` does.
  const exact = matching.some((route) => !route.withParameters);
  const methods = new Set<string>();
  for (const route of matching) {
    if (exact && route.withParameters) continue;
    for (const method of route.methods) methods.add(method.toUpperCase());
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
