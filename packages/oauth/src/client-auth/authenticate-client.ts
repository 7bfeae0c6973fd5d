import { decodeJwt } from 'jose';
import type { Client, ClientRegistry } from '../clients.ts';
import { invalidClient, invalidRequest } from '../errors.ts';
import { param } from '../form.ts';
import { sha256 } from '../secrets.ts';
import { basicChallenge, clientSecretBasic, clientSecretPost, noClientAuth } from './client-secret.ts';
import { privateKeyJwt } from './private-key-jwt.ts';
import type { ClientAuthContext, ClientAuthMethodHandler, ClientAuthRequest, PresentedCredentials } from './types.ts';

const jwtBearerAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const handlers: Record<string, ClientAuthMethodHandler> = {
  client_secret_basic: clientSecretBasic,
  client_secret_post: clientSecretPost,
  private_key_jwt: privateKeyJwt,
  none: noClientAuth,
};

function decodeBasic(header: string): { clientId: string; secret: string } {
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidClient('malformed Basic credentials');
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
    const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw invalidClient('malformed Basic credentials');
  }
}

// A machine client sends the same Authorization header on every call: decoding it and hashing its
// secret once is enough. Only well-formed headers are kept, and the cache is bounded; it holds
// nothing the process does not already see on every request.
const basicCache = new Map<string, { clientId: string; secret: string; secretHash: string }>();

function basicCredentials(header: string): { clientId: string; secret: string; secretHash: string } {
  let entry = basicCache.get(header);
  if (!entry) {
    const { clientId, secret } = decodeBasic(header);
    entry = { clientId, secret, secretHash: sha256(secret) };
    if (basicCache.size >= 1024) basicCache.clear();
    basicCache.set(header, entry);
  }
  return entry;
}

/** Which single method the request uses (RFC 6749 §2.3: never more than one). */
export function presentedCredentials(request: ClientAuthRequest): PresentedCredentials {
  const { body } = request;
  const bodyClientId = param(body, 'client_id');
  const found: PresentedCredentials[] = [];
  const authorization = request.authorization;
  if (authorization !== undefined && authorization.length > 6 && authorization.slice(0, 6).toLowerCase() === 'basic ') {
    const { clientId, secret, secretHash } = basicCredentials(authorization);
    if (bodyClientId !== undefined && bodyClientId !== clientId) throw invalidRequest('client_id does not match the Basic credentials');
    found.push({ method: 'client_secret_basic', clientId, secret, secretHash });
  }
  const secret = param(body, 'client_secret');
  if (secret !== undefined) {
    if (bodyClientId === undefined) throw invalidRequest('client_secret requires client_id');
    found.push({ method: 'client_secret_post', clientId: bodyClientId, secret });
  }
  const assertionType = param(body, 'client_assertion_type');
  const assertion = param(body, 'client_assertion');
  if (assertionType !== undefined || assertion !== undefined) {
    if (assertionType !== jwtBearerAssertionType) throw invalidRequest(`client_assertion_type must be ${jwtBearerAssertionType}`);
    if (assertion === undefined) throw invalidRequest('client_assertion is required');
    let sub: unknown;
    try {
      sub = decodeJwt(assertion).sub;
    } catch {
      throw invalidClient('client assertion is not a JWT');
    }
    if (typeof sub !== 'string') throw invalidClient('client assertion has no sub');
    if (bodyClientId !== undefined && bodyClientId !== sub) throw invalidRequest('client_id does not match the client assertion');
    found.push({ method: 'private_key_jwt', clientId: sub, assertion });
  }
  if (found.length > 1) throw invalidRequest('only one client authentication method may be used');
  if (found[0]) return found[0];
  if (bodyClientId !== undefined) return { method: 'none', clientId: bodyClientId };
  throw invalidClient('client authentication is required');
}

/**
 * Identifies and authenticates the calling client with the method it registered
 * (RFC 6749 §2.3, RFC 7591 §2 `token_endpoint_auth_method`, RFC 7523 §2.2).
 */
export async function authenticateClient(request: ClientAuthRequest, clients: ClientRegistry, context: ClientAuthContext): Promise<Client> {
  const credentials = presentedCredentials(request);
  const challenge = credentials.method === 'client_secret_basic' ? basicChallenge(context.issuer) : undefined;
  const client = clients.cached(credentials.clientId) ?? (await clients.get(credentials.clientId));
  if (!client) throw invalidClient('client authentication failed', challenge);
  if (client.token_endpoint_auth_method !== credentials.method) {
    throw invalidClient(`client must authenticate with ${client.token_endpoint_auth_method}`, challenge);
  }
  const verified = (handlers[credentials.method] as ClientAuthMethodHandler).verify(credentials, client, context, request.endpoint);
  // Secrets are checked synchronously: no further promise on the token endpoint's common path.
  if (verified) await verified;
  return client;
}
