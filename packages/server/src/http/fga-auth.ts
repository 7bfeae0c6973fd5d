import type { FgaScope } from '@portcullis/authz/http/routes';
import { OAuthError, safeEqual } from '@portcullis/oauth';
import type { FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.ts';
import { authenticateBearer } from './bearer-auth.ts';

/** An error the permissions API maps to OpenFGA's `unauthenticated` / `forbidden` shape. */
class FgaAuthError extends Error {
  readonly statusCode: number;
  constructor(statusCode: number, message: string) {
    super(message);
    this.statusCode = statusCode;
  }
}

/**
 * Authorizes a permissions-API call: a Portcullis access token for `<issuer>/fga` with the
 * scope the route needs, or (only when configured) a pre-shared key for local use.
 */
export function fgaAuthorizer(runtime: Runtime): (request: FastifyRequest, scope: FgaScope) => Promise<void> {
  const audience = `${runtime.config.issuer}/fga`;
  const presharedKeys = (runtime.config.fga.preshared_keys ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return async (request, scope) => {
    const header = request.headers.authorization;
    if (presharedKeys.length && header?.startsWith('Bearer ')) {
      const presented = header.slice(7);
      if (presharedKeys.some((key) => safeEqual(key, presented))) return;
    }
    try {
      await authenticateBearer(runtime.context, header, audience, scope);
    } catch (error) {
      if (error instanceof OAuthError) throw new FgaAuthError(error.status, error.description);
      throw error;
    }
  };
}
