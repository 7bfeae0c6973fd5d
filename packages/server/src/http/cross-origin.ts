import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * CORS for the endpoints a browser app on another origin calls with fetch (token, revocation,
 * userinfo, discovery, JWKS). Any origin may call them, without credentials (no cookies): what
 * authenticates those calls is in the request itself (PKCE verifier, refresh token, bearer token),
 * so `*` is safe. The cookie-bearing pages (authorize, login, consent, account) get no CORS.
 */
const crossOriginHeaders = {
  'access-control-allow-origin': '*',
  // Clients read these from error answers: RFC 6750 challenges, RFC 9449 §8 nonces.
  'access-control-expose-headers': 'www-authenticate, dpop-nonce',
};

const preflightHeaders = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST',
  'access-control-allow-headers': 'content-type, authorization, dpop',
  'access-control-max-age': '600',
};

/** Route `onRequest` hook: every answer of the route, errors included, carries the CORS headers. */
export async function allowCrossOrigin(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.headers(crossOriginHeaders);
}

/** Answers the CORS preflight (OPTIONS) for `path`. */
export function answerPreflight(app: FastifyInstance, path: string): void {
  app.options(path, async (_request, reply) => reply.code(204).headers(preflightHeaders).send());
}
