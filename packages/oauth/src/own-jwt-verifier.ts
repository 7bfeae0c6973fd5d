import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { OAuthContext } from './context.ts';

let cached: { jwks: object; set: ReturnType<typeof createLocalJWKSet> } | undefined;

/** Verifies a JWT this server signed, against its own published keys; undefined when invalid. */
export async function verifyOwnJwt(context: OAuthContext, token: string, typ: string): Promise<JWTPayload | undefined> {
  const jwks = context.keys.jwks();
  if (cached?.jwks !== jwks) cached = { jwks, set: createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]) };
  try {
    const { payload } = await jwtVerify(token, cached.set, {
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
