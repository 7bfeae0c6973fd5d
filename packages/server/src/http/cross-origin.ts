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

/**
 * Route `onRequest` hook for cacheable answers (discovery, JWKS): every answer carries the CORS
 * headers, since a shared cache may hand one fetched without `Origin` to a browser.
 */
export function allowCrossOrigin(_request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  // Callback style: an async hook costs every request an extra promise.
  reply.headers(crossOriginHeaders);
  done();
}

/**
 * Route `onRequest` hook for `no-store` answers (token, revocation, userinfo): the CORS headers,
 * errors included, go to cross-origin callers, the ones that send `Origin` (Fetch standard
 * §3.2.5). Machine clients send none and are spared two headers per call; nothing is cached
 * that another origin could be served.
 */
export function allowCrossOriginCaller(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  if (request.headers.origin !== undefined) reply.headers(crossOriginHeaders);
  done();
}

/** Answers the CORS preflight (OPTIONS) for `path`. */
export function answerPreflight(app: FastifyInstance, path: string): void {
  app.options(path, async (_request, reply) => reply.code(204).headers(preflightHeaders).send());
}
