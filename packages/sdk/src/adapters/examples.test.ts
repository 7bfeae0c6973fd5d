import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { inject } from 'light-my-request';
import { expressOrdersApi } from '../../../../examples/sdk/express-orders-api.ts';
import { fastifyOrdersApi } from '../../../../examples/sdk/fastify-orders-api.ts';
import { honoOrdersApi } from '../../../../examples/sdk/hono-orders-api.ts';
import { audience } from '../../../../examples/sdk/settings.ts';
import { parseChallenge, TestIssuer } from '../test-support.ts';
import { AccessTokenVerifier } from '../verifier.ts';

type Send = (
  method: string,
  url: string,
  authorization?: string,
) => Promise<{ status: number; challenge: string | undefined; body: string }>;

const examples: Record<string, (verifier: AccessTokenVerifier) => Promise<Send>> = {
  Fastify: async (verifier) => {
    const app = await fastifyOrdersApi(verifier);
    return async (method, url, authorization) => {
      const response = await app.inject({ method: method as 'GET', url, headers: authorization ? { authorization } : {} });
      return { status: response.statusCode, challenge: response.headers['www-authenticate'] as string | undefined, body: response.body };
    };
  },
  Express: async (verifier) => {
    const app = expressOrdersApi(verifier);
    return async (method, url, authorization) => {
      const response = await inject(app, { method: method as 'GET', url, headers: authorization ? { authorization } : {} });
      return { status: response.statusCode, challenge: response.headers['www-authenticate'] as string | undefined, body: response.body };
    };
  },
  Hono: async (verifier) => {
    const app = honoOrdersApi(verifier);
    return async (method, url, authorization) => {
      const response = await app.request(url, { method, headers: authorization ? { authorization } : {} });
      return { status: response.status, challenge: response.headers.get('www-authenticate') ?? undefined, body: await response.text() };
    };
  },
};

for (const [framework, start] of Object.entries(examples)) {
  describe(`the ${framework} example Orders API`, () => {
    const issuer = new TestIssuer();
    const verifier = new AccessTokenVerifier({ issuer: issuer.issuer, audience, fetch: issuer.fetch, clock: issuer.clock.clock });
    const bearer = (claims: Record<string, unknown>) => `Bearer ${issuer.jwt({ aud: audience, ...claims })}`;
    const sent = start(verifier);

    it('lists orders for a token with orders:read and refuses one without a token', async () => {
      const send = await sent;
      assert.equal((await send('GET', '/orders', bearer({ scope: 'orders:read' }))).status, 200);
      assert.equal((await send('GET', '/orders')).status, 401);
    });

    it('asks for a step-up before deleting with a password-only sign-in', async () => {
      const send = await sent;
      const response = await send(
        'DELETE',
        '/orders/ord-1001',
        bearer({ scope: 'orders:write', acr: 'urn:portcullis:acr:password', auth_time: issuer.clock.seconds() }),
      );
      assert.equal(response.status, 401);
      assert.equal(parseChallenge(response.challenge)?.error, 'insufficient_user_authentication');
      const stepped = await send(
        'DELETE',
        '/orders/ord-1001',
        bearer({ scope: 'orders:write', acr: 'urn:portcullis:acr:mfa', auth_time: issuer.clock.seconds() }),
      );
      assert.equal(stepped.status, 204);
    });

    it('serves its protected resource metadata', async () => {
      const send = await sent;
      const response = await send('GET', '/.well-known/oauth-protected-resource');
      assert.equal(JSON.parse(response.body).resource, audience);
    });
  });
}
