/**
 * The Orders API on Express, protected by the Portcullis SDK middleware.
 *
 *   PORTCULLIS_ISSUER=http://127.0.0.1:9000 node examples/sdk/express-orders-api.ts
 */
import { type AccessTokenVerifier, createVerifier, protectedResourceMetadata } from '@portcullis/sdk';
import { requireToken, resourceMetadataHandler } from '@portcullis/sdk/adapters/express';
import express, { type Express } from 'express';
import { orders, port, requirements, verifierOptionsFromEnv } from './settings.ts';

export function expressOrdersApi(verifier: AccessTokenVerifier): Express {
  const app = express();
  const metadata = resourceMetadataHandler(
    protectedResourceMetadata({ resource: verifier.audience[0]!, authorization_servers: [verifier.issuer] }),
  );
  app.get(metadata.path, metadata.handler);
  app.get('/orders', requireToken({ verifier }, requirements.list), (_req, res) => {
    res.json(orders);
  });
  app.post('/orders', requireToken({ verifier }, requirements.create), (_req, res) => {
    res.status(201).json({ id: 'ord-1003', created_by: res.locals.accessToken.claims.sub });
  });
  app.delete('/orders/:id', requireToken({ verifier }, requirements.remove), (_req, res) => {
    res.status(204).end();
  });
  return app;
}

if (import.meta.main) {
  expressOrdersApi(createVerifier(verifierOptionsFromEnv())).listen(port(), () => console.log(`Orders API (Express) on port ${port()}`));
}
