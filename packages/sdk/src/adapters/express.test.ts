import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import express from 'express';
import { inject } from 'light-my-request';
import { adapterFixture, describeEnforcement, suiteRoutes } from '../test-support.ts';
import { AccessTokenVerifier } from '../verifier.ts';
import { requireToken } from './express.ts';

function app() {
  const { factory, verifierOptions } = adapterFixture();
  const verifier = new AccessTokenVerifier(verifierOptions);
  const server = express();
  for (const { path, ...requirement } of suiteRoutes) {
    server.get(path, requireToken({ verifier }, requirement), (_req, res) => {
      res.json({ sub: res.locals.accessToken.claims.sub });
    });
  }
  return { server, factory };
}

describeEnforcement('Express middleware enforcement', async () => {
  const { server, factory } = app();
  return {
    factory,
    async request(url, authorization) {
      // light-my-request drives the app's (req, res) handler in process, without a socket.
      const response = await inject(server, { url, headers: authorization ? { authorization } : {} });
      return { status: response.statusCode, challenge: response.headers['www-authenticate'] as string | undefined };
    },
    close: async () => {},
  };
});

describe('Express middleware', () => {
  it('the handler sees the verified token in res.locals', async () => {
    const { server, factory } = app();
    const response = await inject(server, { url: '/orders', headers: { authorization: `Bearer ${factory.jwt({ sub: 'alice' })}` } });
    assert.deepEqual(response.json(), { sub: 'alice' });
  });
});
