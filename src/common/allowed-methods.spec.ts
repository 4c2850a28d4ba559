import { allowedMethods } from './allowed-methods';

/** A router layer as Express 5 has it: a route path, its methods, and whether it matches. */
function route(path: string, ...methods: string[]) {
  const pattern = new RegExp(`^${path.replace(/:[^/]+/g, '[^/]+')}$`);
  return {
    route: { path, methods: Object.fromEntries(methods.map((m) => [m, true])) },
    match: (requested: string) => pattern.test(requested),
  };
}

const stack = [
  route('/v1/accounts', 'get'),
  route('/v1/accounts/links', 'post'),
  route('/v1/accounts/:id', 'get', 'delete'),
];

describe('the methods a path allows', () => {
  it('lists those of the route that names the path word for word, not of a route with an id there', () => {
    expect(allowedMethods({ path: '/v1/accounts/links', app: { router: { stack } } })).toEqual([
      'POST',
    ]);
  });

  it('lists those of the route with an id for any other value of it, HEAD with GET', () => {
    expect(allowedMethods({ path: '/v1/accounts/7', app: { router: { stack } } })).toEqual([
      'DELETE',
      'GET',
      'HEAD',
    ]);
  });

  it('lists none for a path no route matches', () => {
    expect(allowedMethods({ path: '/v1/nothing', app: { router: { stack } } })).toEqual([]);
  });
});
