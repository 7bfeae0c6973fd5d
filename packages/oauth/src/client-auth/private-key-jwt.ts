import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Client } from '../clients.ts';
import { invalidClient } from '../errors.ts';
import type { ClientAuthMethodHandler } from './types.ts';

/** Asymmetric algorithms accepted for client assertions; `none` and HMAC never are. */
export const assertionAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

const remoteSets = new Map<string, JWTVerifyGetKey>();

function keySetFor(client: Client): JWTVerifyGetKey {
  if (client.jwks) return createLocalJWKSet(client.jwks as Parameters<typeof createLocalJWKSet>[0]);
  if (client.jwks_uri) {
    let set = remoteSets.get(client.jwks_uri);
    if (!set) {
      set = createRemoteJWKSet(new URL(client.jwks_uri), { cooldownDuration: 30_000, timeoutDuration: 5000 });
      remoteSets.set(client.jwks_uri, set);
    }
    return set;
  }
  throw invalidClient('client has no registered keys for private_key_jwt');
}

/**
 * RFC 7523 §2.2 / §3 and OIDC Core §9: a JWT signed with the client's registered key,
 * `iss` = `sub` = client_id, `aud` naming this server, unexpired, with a `jti` used once.
 */
export const privateKeyJwt: ClientAuthMethodHandler = {
  method: 'private_key_jwt',
  async verify(credentials, client, context, endpoint) {
    const assertion = credentials.assertion as string;
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(assertion);
    } catch {
      throw invalidClient('client assertion is not a JWS');
    }
    // RFC 8725 §3.1: never let the token choose where its key comes from.
    if ('jku' in header || 'x5u' in header || 'jwk' in header || 'x5c' in header) {
      throw invalidClient('client assertion header must not carry or point to keys');
    }
    const allowed = client.token_endpoint_auth_signing_alg ? [client.token_endpoint_auth_signing_alg] : assertionAlgorithms;
    if (typeof header.alg !== 'string' || !allowed.includes(header.alg) || !assertionAlgorithms.includes(header.alg)) {
      throw invalidClient(`client assertion alg ${String(header.alg)} is not allowed`);
    }
    let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      ({ payload } = await jwtVerify(assertion, keySetFor(client), {
        algorithms: allowed,
        issuer: client.client_id,
        subject: client.client_id,
        audience: [context.issuer, ...context.assertionAudiences, endpoint],
        requiredClaims: ['exp', 'jti'],
        clockTolerance: 30,
        currentDate: new Date(context.clock() * 1000),
      }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      const reason = code === 'ERR_JWT_EXPIRED' ? 'client assertion has expired' : 'client assertion is invalid';
      throw invalidClient(reason);
    }
    const exp = payload.exp as number;
    if (!(await context.replay.claim(`client-assertion:${client.client_id}:${String(payload.jti)}`, exp + 30, context.clock()))) {
      throw invalidClient('client assertion has already been used');
    }
  },
};
