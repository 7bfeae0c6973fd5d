/**
 * The Orders API on Hono, protected by the Portcullis SDK middleware.
 *
 *   PORTCULLIS_ISSUER=http://127.0.0.1:9000 node examples/sdk/hono-orders-api.ts
 */
import { serve } from '@hono/node-server';
import { type AccessTokenVerifier, createVerifier, protectedResourceMetadata, resourceMetadataPath } from '@portcullis/sdk';
import { type PortcullisVariables, requireToken } from '@portcullis/sdk/adapters/hono';
import { Hono } from 'hono';
import { orders, port, requirements, verifierOptionsFromEnv } from './settings.ts';

export function honoOrdersApi(verifier: AccessTokenVerifier): Hono<{ Variables: PortcullisVariables }> {
  const app = new Hono<{ Variables: PortcullisVariables }>();
  const resource = verifier.audience[0]!;
  app.get(resourceMetadataPath(resource), (c) => c.json(protectedResourceMetadata({ resource, authorization_servers: [verifier.issuer] })));
  app.get('/orders', requireToken({ verifier }, requirements.list), (c) => c.json(orders));
  app.post('/orders', requireToken({ verifier }, requirements.create), (c) =>
    c.json({ id: 'ord-1003', created_by: c.get('accessToken').claims.sub }, 201),
  );
  app.delete('/orders/:id', requireToken({ verifier }, requirements.remove), (c) => c.body(null, 204));
  return app;
}

if (import.meta.main) {
  serve({ fetch: honoOrdersApi(createVerifier(verifierOptionsFromEnv())).fetch, port: port() }, (info) =>
    console.log(`Orders API (Hono) on port ${info.port}`),
  );
}
