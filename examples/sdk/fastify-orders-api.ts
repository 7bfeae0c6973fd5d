/**
 * The Orders API on Fastify, protected by the Portcullis SDK plugin.
 *
 *   PORTCULLIS_ISSUER=http://127.0.0.1:9000 node examples/sdk/fastify-orders-api.ts
 */
import { type AccessTokenVerifier, createVerifier, protectedResourceMetadata } from '@portcullis/sdk';
import { portcullis } from '@portcullis/sdk/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { orders, port, requirements, verifierOptionsFromEnv } from './settings.ts';

export async function fastifyOrdersApi(verifier: AccessTokenVerifier): Promise<FastifyInstance> {
  const app = Fastify();
  const resource = verifier.audience[0]!;
  await app.register(portcullis, { verifier, metadata: protectedResourceMetadata({ resource, authorization_servers: [verifier.issuer] }) });
  app.get('/orders', { preHandler: app.requireToken(requirements.list) }, async () => orders);
  app.post('/orders', { preHandler: app.requireToken(requirements.create) }, async (request, reply) =>
    reply.code(201).send({ id: 'ord-1003', created_by: request.accessToken?.claims.sub }),
  );
  app.delete('/orders/:id', { preHandler: app.requireToken(requirements.remove) }, async (_request, reply) => reply.code(204).send());
  return app;
}

if (import.meta.main) {
  const app = await fastifyOrdersApi(createVerifier(verifierOptionsFromEnv()));
  console.log(`Orders API (Fastify) on ${await app.listen({ port: port() })}`);
}
