import { timingSafeEqual } from 'node:crypto';
import type { FgaScope } from '@portcullis/authz/http/routes';
import { OAuthError } from '@portcullis/oauth';
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
export function fgaAuthorizer(runtime: Runtime): (request: FastifyRequest, scope: FgaScope) => Promise<void> | undefined {
  const audience = `${runtime.config.issuer}/fga`;
  const presharedKeys = (runtime.config.fga.preshared_keys ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((key) => Buffer.from(key));
  const bearer = async (header: string | undefined, scope: FgaScope) => {
    try {
      await authenticateBearer(runtime.context, header, audience, scope);
    } catch (error) {
      if (error instanceof OAuthError) throw new FgaAuthError(error.status, error.description);
      throw error;
    }
  };
  // A matching pre-shared key is answered synchronously (no I/O, no promise); tokens are looked up.
  return (request, scope) => {
    const header = request.headers.authorization;
    if (presharedKeys.length && header?.startsWith('Bearer ')) {
      const presented = Buffer.from(header.slice(7));
      // Every key is compared (in constant time each), so the time does not tell which one matched.
      let matched = false;
      for (const key of presharedKeys) matched = (key.length === presented.length && timingSafeEqual(key, presented)) || matched;
      if (matched) return undefined;
    }
    return bearer(header, scope);
  };
}
