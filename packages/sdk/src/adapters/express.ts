import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Requirement } from '../requirement.ts';
import { type ProtectedResourceMetadata, resourceMetadataPath } from '../resource-metadata.ts';
import { createGuard, type GuardOptions } from './guard.ts';

/**
 * Express middleware that admits requests whose token meets `requirement`; the verified
 * token is in `res.locals.accessToken`. Failures answer RFC 6750 / RFC 9470 challenges.
 *
 * @example app.get('/orders', requireToken({ verifier }, { scope: 'orders:read' }), (req, res) => res.json(res.locals.accessToken.claims))
 */
export function requireToken(options: GuardOptions, requirement: Requirement = {}): RequestHandler {
  const guard = createGuard(options, requirement);
  return (req: Request, res: Response, next: NextFunction) => {
    guard(req.headers.authorization).then((result) => {
      if (result.ok) {
        res.locals.accessToken = result.token;
        next();
      } else {
        res.status(result.response.status).set(result.response.headers).json(result.response.body);
      }
    }, next);
  };
}

/** Express handler serving the RFC 9728 document; mount it at `resourceMetadataPath(metadata.resource)`. */
export function resourceMetadataHandler(metadata: ProtectedResourceMetadata): { path: string; handler: RequestHandler } {
  return { path: resourceMetadataPath(metadata.resource), handler: (_req, res) => void res.json(metadata) };
}
