import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { protectedResourceMetadata } from '../resource-metadata.ts';
import { adapterFixture, describeEnforcement, suiteApi, suiteRoutes } from '../test-support.ts';
import { AccessTokenVerifier } from '../verifier.ts';
import { portcullis } from './fastify.ts';

async function app() {
  const { factory, verifierOptions, issuer } = adapterFixture();
  const verifier = new AccessTokenVerifier(verifierOptions);
  const fastify = Fastify();
  await fastify.register(portcullis, {
    verifier,
    metadata: protectedResourceMetadata({ resource: suiteApi, authorization_servers: [issuer.issuer] }),
  });
  for (const { path, ...requirement } of suiteRoutes) {
    fastify.get(path, { preHandler: fastify.requireToken(requirement) }, async (request) => ({ sub: request.accessToken?.claims.sub }));
  }
  return { fastify, factory };
}

describeEnforcement('Fastify plugin enforcement', async () => {
  const { fastify, factory } = await app();
  return {
    factory,
    async request(url, authorization) {
      const response = await fastify.inject({ url, headers: authorization ? { authorization } : {} });
      return { status: response.statusCode, challenge: response.headers['www-authenticate'] as string | undefined };
    },
    close: () => fastify.close(),
  };
});

describe('Fastify plugin', () => {
  it('the handler sees the verified token on the request', async () => {
    const { fastify, factory } = await app();
    const response = await fastify.inject({ url: '/orders', headers: { authorization: `Bearer ${factory.jwt({ sub: 'alice' })}` } });
    assert.deepEqual(response.json(), { sub: 'alice' });
  });

  it('the protected resource metadata is served at its well-known path', async () => {
    const { fastify } = await app();
    const response = await fastify.inject({ url: '/.well-known/oauth-protected-resource' });
    assert.equal(response.json().resource, suiteApi);
  });
});
