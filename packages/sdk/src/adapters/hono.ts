import type { MiddlewareHandler } from 'hono';
import type { VerifiedAccessToken } from '../access-token.ts';
import type { Requirement } from '../requirement.ts';
import { createGuard, type GuardOptions } from './guard.ts';

/** Hono variables set by the guard. */
export type PortcullisVariables = { accessToken: VerifiedAccessToken };

/**
 * Hono middleware that admits requests whose token meets `requirement`; the verified token is
 * `c.get('accessToken')`. Failures answer RFC 6750 / RFC 9470 challenges.
 *
 * @example app.get('/orders', requireToken({ verifier }, { scope: 'orders:read' }), (c) => c.json(c.get('accessToken').claims))
 */
export function requireToken(options: GuardOptions, requirement: Requirement = {}): MiddlewareHandler<{ Variables: PortcullisVariables }> {
  const guard = createGuard(options, requirement);
  return async (c, next) => {
    const result = await guard(c.req.header('authorization'));
    if (!result.ok) return c.json(result.response.body, result.response.status as 400 | 401 | 403 | 503, result.response.headers);
    c.set('accessToken', result.token);
    await next();
  };
}
