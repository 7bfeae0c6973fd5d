import {
  type FormBody,
  introspectionEndpoint,
  introspectionJson,
  invalidRequest,
  revocationEndpoint,
  serverMetadata,
  tokenEndpoint,
} from '@portcullis/oauth';
import { isCompactJwt } from '@portcullis/oauth/jwt';
import { inTurnBatch } from '@portcullis/store/turn-batch';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Metrics } from '../metrics.ts';
import type { Runtime } from '../runtime.ts';
import { allowCrossOrigin, allowCrossOriginCaller, answerPreflight } from './cross-origin.ts';

const formType = /^application\/x-www-form-urlencoded/i;

/** RFC 6749 §3.2 / RFC 7662 §2.1 / RFC 7009 §2.1: these endpoints take form bodies only. */
function formBody(request: FastifyRequest): FormBody {
  const type = request.headers['content-type'] ?? '';
  if (!formType.test(type)) {
    throw invalidRequest('the request body must be application/x-www-form-urlencoded');
  }
  return request.body as FormBody;
}

/** Discovery, JWKS, token, introspection and revocation. */
export function oauthRoutes(app: FastifyInstance, runtime: Runtime, metrics: Pick<Metrics, 'tokenIssued'>): void {
  const context = runtime.context;
  const { endpoints } = context;
  const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };
  // Browser apps on other origins call these with fetch (see cross-origin.ts); introspection is for APIs only.
  const cors = { onRequest: allowCrossOrigin };
  const corsNoStore = { onRequest: allowCrossOriginCaller };
  for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration', '/.well-known/jwks.json'])
    answerPreflight(app, path);
  for (const path of ['/oauth2/token', '/oauth2/revoke']) answerPreflight(app, path);

  app.get('/.well-known/oauth-authorization-server', cors, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return serverMetadata(context);
  });

  app.get('/.well-known/openid-configuration', cors, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return serverMetadata(context);
  });

  app.get('/.well-known/jwks.json', cors, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=60').type('application/jwk-set+json');
    return context.keys.jwks();
  });

  app.post('/oauth2/token', corsNoStore, async (request, reply) => {
    // Token requests that arrive in one turn run back to back, and so do the signatures and the
    // commit they lead to, in the same turn (@portcullis/store/turn-batch).
    const body = formBody(request);
    const response = await inTurnBatch(() =>
      tokenEndpoint(context, { body, authorization: request.headers.authorization, endpoint: endpoints.token_endpoint }),
    );
    // A request that got a token had exactly one grant_type (RFC 6749 §3.2: no repeated parameters).
    metrics.tokenIssued(body.grant_type as string, isCompactJwt(response.access_token) ? 'jwt' : 'opaque');
    reply.headers(noStore);
    return response;
  });

  app.post('/oauth2/introspect', async (request, reply) => {
    // Introspections that arrive in one turn are answered back to back (@portcullis/store/turn-batch).
    const result = await inTurnBatch(() =>
      introspectionEndpoint(context, {
        body: formBody(request),
        authorization: request.headers.authorization,
        endpoint: endpoints.introspection_endpoint,
        accept: request.headers.accept,
      }),
    );
    reply.headers(noStore);
    if (result.kind === 'jwt') return reply.type('application/token-introspection+jwt').send(result.body);
    return reply.type('application/json; charset=utf-8').send(introspectionJson(result.body));
  });

  app.post('/oauth2/revoke', corsNoStore, async (request, reply) => {
    await revocationEndpoint(context, {
      body: formBody(request),
      authorization: request.headers.authorization,
      endpoint: endpoints.revocation_endpoint,
    });
    reply.headers(noStore);
    return reply.code(200).send();
  });
}
