import { createHash } from 'node:crypto';
import type { Authentication, UserRecord } from '@portcullis/store';
import type { OAuthContext } from '../context.ts';
import { signJwtBatched } from '../jwt.ts';
import { claimsForScopes } from './claims.ts';

/** OIDC Core §3.1.3.6: left half of the hash of the access token, with the alg's hash function. */
export function atHash(accessToken: string, alg: string): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(accessToken)
    .digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

export interface IdTokenInput {
  user: UserRecord;
  clientId: string;
  scopes: string[];
  authentication: Authentication;
  nonce: string | null;
  accessToken: string;
}

/** OIDC Core §2: the ID token, with the claims the granted scopes release (§5.4). */
export function issueIdToken(context: OAuthContext, input: IdTokenInput): Promise<string> {
  const now = context.clock();
  const key = context.keys.signingKey();
  return signJwtBatched(key, 'JWT', {
    ...claimsForScopes(input.user, input.scopes),
    iss: context.issuer,
    sub: input.user.user_id,
    aud: input.clientId,
    exp: now + context.policy.idTokenTtl,
    iat: now,
    auth_time: input.authentication.auth_time,
    acr: input.authentication.acr,
    amr: input.authentication.amr,
    azp: input.clientId,
    ...(input.nonce ? { nonce: input.nonce } : {}),
    at_hash: atHash(input.accessToken, key.alg),
  });
}
