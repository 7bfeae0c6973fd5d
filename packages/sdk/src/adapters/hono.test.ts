import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { adapterFixture, describeEnforcement, suiteRoutes } from '../test-support.ts';
import { AccessTokenVerifier } from '../verifier.ts';
import { type PortcullisVariables, requireToken } from './hono.ts';

function app() {
  const { factory, verifierOptions } = adapterFixture();
  const verifier = new AccessTokenVerifier(verifierOptions);
  const hono = new Hono<{ Variables: PortcullisVariables }>();
  for (const { path, ...requirement } of suiteRoutes) {
    hono.get(path, requireToken({ verifier }, requirement), (c) => c.json({ sub: c.get('accessToken').claims.sub }));
  }
  return { hono, factory };
}

describeEnforcement('Hono middleware enforcement', async () => {
  const { hono, factory } = app();
  return {
    factory,
    async request(path, authorization) {
      const response = await hono.request(path, { headers: authorization ? { authorization } : {} });
      return { status: response.status, challenge: response.headers.get('www-authenticate') };
    },
    close: async () => {},
  };
});

describe('Hono middleware', () => {
  it('the handler sees the verified token in the context', async () => {
    const { hono, factory } = app();
    const response = await hono.request('/orders', { headers: { authorization: `Bearer ${factory.jwt({ sub: 'alice' })}` } });
    assert.deepEqual(await response.json(), { sub: 'alice' });
  });
});
