import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { OAuthContext } from './context.ts';

let cached: { jwks: object; set: ReturnType<typeof createLocalJWKSet> } | undefined;

/** This server's published keys as a jose key set, rebuilt only when the JWKS changes. */
export function ownKeySet(context: OAuthContext): ReturnType<typeof createLocalJWKSet> {
  const jwks = context.keys.jwks();
  if (cached?.jwks !== jwks) cached = { jwks, set: createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]) };
  return cached.set;
}

/** Verifies a JWT this server signed, against its own published keys; undefined when invalid. */
export async function verifyOwnJwt(context: OAuthContext, token: string, typ: string): Promise<JWTPayload | undefined> {
  try {
    const { payload } = await jwtVerify(token, ownKeySet(context), {
      issuer: context.issuer,
      typ,
      algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
      currentDate: new Date(context.clock() * 1000),
    });
    return payload;
  } catch {
    return undefined;
  }
}
