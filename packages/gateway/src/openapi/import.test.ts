import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mfaAcr, suiteApi, TestIssuer } from '@portcullis/sdk/test-support';
import { parseGatewaySettings } from '../config/parse.ts';
import { enforceRoute } from '../enforce.ts';
import { GatewayMetrics } from '../metrics.ts';
import { buildState } from '../state.ts';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'orders.openapi.yaml');

function gatewayFor(document: string) {
  const issuer = new TestIssuer();
  const settings = parseGatewaySettings({
    issuer: issuer.issuer,
    openapi: [{ document, upstream: 'http://127.0.0.1:1', audience: suiteApi }],
  });
  const state = buildState(settings, { metrics: new GatewayMetrics(), clock: issuer.clock.clock, fetch: issuer.fetch });
  return { issuer, state };
}

type Expected = 200 | 401 | 403 | 404;
/** method, path, the token's scopes (null: no token), extra claims, expected answer, expected challenge scope. */
const table: Array<[string, string, string[] | null, Record<string, unknown>, Expected, string?]> = [
  ['GET', '/orders', ['orders:read'], {}, 200],
  ['GET', '/orders', ['orders:write'], {}, 403, 'orders:read'],
  ['GET', '/orders', null, {}, 401],
  ['POST', '/orders', ['orders:write', 'fido'], {}, 200],
  ['POST', '/orders', ['orders:write', 'orders:admin'], {}, 200],
  ['POST', '/orders', ['orders:write'], {}, 403, 'orders:write fido'],
  ['POST', '/orders', ['fido', 'orders:admin'], {}, 403, 'orders:write fido'],
  ['POST', '/orders', ['orders:write', 'otp'], {}, 403, 'orders:write fido'],
  ['GET', '/orders/42', ['orders:read'], {}, 200],
  ['GET', '/orders/42', ['orders:admin'], {}, 403, 'orders:read'],
  ['GET', '/orders/mine', [], {}, 200],
  ['GET', '/orders/mine', null, {}, 401],
  ['DELETE', '/orders/42', ['orders:admin'], {}, 401],
  ['DELETE', '/orders/42', ['orders:admin'], { acr: mfaAcr, auth_time: 'now' }, 200],
  ['DELETE', '/orders/42', ['orders:read'], { acr: mfaAcr, auth_time: 'now' }, 403, 'orders:admin'],
  ['GET', '/health', null, {}, 200],
  ['GET', '/catalog', null, {}, 200],
  ['PUT', '/orders', ['orders:write'], {}, 404],
];

describe('routes imported from an OpenAPI 3 document', () => {
  const { issuer, state } = gatewayFor(fixture);

  for (const [method, path, scopes, claims, expected, challengeScope] of table) {
    const who = scopes === null ? 'no token' : `scopes [${scopes.join(' ')}]${Object.keys(claims).length ? ' with a strong acr' : ''}`;
    it(`${method} ${path} with ${who} is ${expected}`, async () => {
      const match = state.table.match(method, path);
      if (expected === 404) return assert.equal(match, undefined);
      assert.ok(match, 'a route matches');
      if (!match.route.requirement) return assert.equal(expected, 200, 'a public route lets everything through');
      const extra = claims.auth_time === 'now' ? { ...claims, auth_time: issuer.clock.seconds() } : claims;
      const authorization = scopes === null ? undefined : `Bearer ${issuer.jwt({ scope: scopes.join(' '), ...extra })}`;
      const decision = await enforceRoute(match.route, authorization, state.verifier);
      assert.equal(decision.ok ? 200 : decision.response.status, expected);
      if (challengeScope)
        assert.match(decision.ok ? '' : decision.response.headers['www-authenticate']!, new RegExp(`scope="${challengeScope}"`));
    });
  }

  it('an operation is named by its operationId in metrics and logs', () => {
    assert.equal(state.table.match('POST', '/orders')?.route.name, 'createOrder');
  });

  it('a literal path outranks a template at the same position', () => {
    assert.equal(state.table.match('GET', '/orders/mine')?.route.name, 'myOrders');
  });
});

describe('OpenAPI import errors', () => {
  const write = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'portcullis-openapi-')), 'api.yaml');
    writeFileSync(file, text);
    return file;
  };
  const document = (security: string, schemes = 'oauth: { type: oauth2, flows: {} }') =>
    write(
      `openapi: 3.0.3\ninfo: { title: t, version: '1' }\ncomponents: { securitySchemes: { ${schemes} } }\npaths:\n  /x:\n    get:\n      security: ${security}\n`,
    );

  it('a security requirement naming an unknown scheme is refused with its location', () => {
    assert.throws(
      () => gatewayFor(document('[{ nope: [] }]')),
      /gateway\.openapi\[0\].*paths\.\/x\.get: security\[0\] names unknown security scheme nope/,
    );
  });

  it('a scheme the gateway cannot enforce (apiKey) is refused', () => {
    assert.throws(
      () => gatewayFor(document('[{ key: [] }]', 'key: { type: apiKey, in: header, name: x-key }')),
      /key \(apiKey\) cannot be enforced/,
    );
  });

  it('a template that is not a whole segment is refused', () => {
    const file = write("openapi: 3.0.3\ninfo: { title: t, version: '1' }\npaths:\n  /files/{name}.json:\n    get: {}\n");
    assert.throws(() => gatewayFor(file), /must be a whole segment/);
  });

  it('a document that is not OpenAPI 3 is refused', () => {
    assert.throws(() => gatewayFor(write('swagger: "2.0"\npaths: {}\n')), /is not an OpenAPI 3 document/);
  });
});
