import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseGatewaySettings } from './parse.ts';

const base = { issuer: 'https://issuer.example.com', audience: 'https://api.example.com' };
const route = { path: '/orders', upstream: 'http://127.0.0.1:3000' };
const parse = (extra: Record<string, unknown>) => parseGatewaySettings({ ...base, routes: [route], ...extra });

describe('gateway configuration', () => {
  it('defaults fill every setting and the result is frozen', () => {
    const settings = parse({});
    assert.equal(settings.port, 8080);
    assert.equal(settings.jwks.cooldown, 30);
    assert.equal(settings.routes[0]!.token, 'jwt');
    assert.equal(settings.routes[0]!.auth, 'required');
    assert.ok(Object.isFrozen(settings.routes[0]));
  });

  it('routes accept any token by default once introspection is configured', () => {
    assert.equal(parse({ introspection: { client_id: 'gw', client_secret: 's' } }).routes[0]!.token, 'any');
  });

  it('the file top-level redis is used when the section has none', () => {
    assert.equal(parseGatewaySettings({ ...base, routes: [route] }, { redis: 'redis://127.0.0.1:6379' }).redis, 'redis://127.0.0.1:6379');
  });

  const mistakes: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an unknown key', { routs: [] }, /^gateway\.routs: unknown setting$/],
    [
      'a bad scope expression',
      { routes: [{ ...route, scope: 'a and (b' }] },
      /^gateway\.routes\[0\]\.scope: scope expression "a and \(b": '\(' is never closed/,
    ],
    ['a missing upstream', { routes: [{ path: '/x' }] }, /^gateway\.routes\[0\]\.upstream: is required/],
    ['a bad path pattern', { routes: [{ ...route, path: 'orders' }] }, /^gateway\.routes\[0\]\.path:/],
    ['an unknown method', { routes: [{ ...route, methods: ['FETCH'] }] }, /FETCH is not an HTTP method/],
    [
      'opaque tokens without introspection',
      { routes: [{ ...route, token: 'opaque' }] },
      /routes\[0\]\.token: opaque tokens need gateway\.introspection/,
    ],
    [
      'a public route with a scope',
      { routes: [{ ...route, auth: 'none', scope: 'a' }] },
      /a public route \(auth: none\) cannot have scope/,
    ],
    [
      'a header the gateway owns',
      { routes: [{ ...route, headers: { Authorization: 'sub' } }] },
      /headers\.Authorization: is not a header a route may set/,
    ],
    [
      'credentials with any origin',
      { cors: { origins: ['*'], credentials: true } },
      /cors\.origins: \* cannot be combined with credentials/,
    ],
    ['a port out of range', { port: 70000 }, /^gateway\.port: must be between 0 and 65535/],
  ];
  for (const [what, extra, message] of mistakes) {
    it(`${what} is refused, naming the key`, () => {
      assert.throws(
        () => parse(extra),
        (error: Error) => message.test(error.message),
      );
    });
  }

  it('a route without an audience is refused when there is no default', () => {
    assert.throws(() => parseGatewaySettings({ issuer: base.issuer, routes: [route] }), /routes\[0\]\.audience: is required/);
  });

  it('a missing gateway section is reported as such', () => {
    assert.throws(() => parseGatewaySettings(undefined), /no gateway section/);
  });
});
