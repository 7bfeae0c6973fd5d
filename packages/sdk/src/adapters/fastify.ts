import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { VerifiedAccessToken } from '../access-token.ts';
import type { Requirement } from '../requirement.ts';
import { type ProtectedResourceMetadata, resourceMetadataPath } from '../resource-metadata.ts';
import { createGuard, type GuardOptions } from './guard.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token, set by a Portcullis guard. */
    accessToken?: VerifiedAccessToken;
  }
  interface FastifyInstance {
    /** A preHandler that admits requests whose token meets `requirement`. */
    requireToken(requirement?: Requirement): preHandlerAsyncHookHandler;
  }
}

export interface FastifyPortcullisOptions extends GuardOptions {
  /** Serve this RFC 9728 document at its well-known path. */
  metadata?: ProtectedResourceMetadata;
}

/** A Fastify preHandler for one requirement (RFC 6750 / RFC 9470 answers on failure). */
export function requireToken(options: GuardOptions, requirement: Requirement = {}): preHandlerAsyncHookHandler {
  const guard = createGuard(options, requirement);
  return async function portcullisGuard(request: FastifyRequest, reply: FastifyReply) {
    const result = await guard(request.headers.authorization);
    if (result.ok) {
      request.accessToken = result.token;
      return;
    }
    return reply.code(result.response.status).headers(result.response.headers).send(result.response.body);
  };
}

/**
 * Fastify plugin: decorates `fastify.requireToken(requirement)` and serves the protected
 * resource metadata (RFC 9728 §3). Not encapsulated, so routes registered beside it see it.
 *
 * @example
 * await app.register(portcullis, { verifier });
 * app.get('/orders', { preHandler: app.requireToken({ scope: 'orders:read' }) }, (request) => request.accessToken?.claims.sub);
 */
export async function portcullis(fastify: FastifyInstance, options: FastifyPortcullisOptions): Promise<void> {
  fastify.decorateRequest('accessToken', undefined);
  fastify.decorate('requireToken', (requirement?: Requirement) => requireToken(options, requirement));
  const metadata = options.metadata;
  if (metadata) fastify.get(resourceMetadataPath(metadata.resource), async () => metadata);
}
// Skip Fastify's encapsulation, as fastify-plugin would, without depending on it.
Object.assign(portcullis, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: '@portcullis/sdk' });
