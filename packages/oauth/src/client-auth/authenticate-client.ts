import { decodeJwt } from 'jose';
import type { Client, ClientRegistry } from '../clients.ts';
import { invalidClient, invalidRequest } from '../errors.ts';
import { param } from '../form.ts';
import { sha256 } from '../secrets.ts';
import { basicChallenge, clientSecretBasic, clientSecretPost, noClientAuth } from './client-secret.ts';
import { privateKeyJwt } from './private-key-jwt.ts';
import type { ClientAuthContext, ClientAuthMethodHandler, ClientAuthRequest, PresentedCredentials } from './types.ts';

const jwtBearerAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
// RFC 7235 §2.1: the scheme is case-insensitive.
const basicScheme = /^basic /i;

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
const basicCache = new Map<string, BasicCredentials>();

interface BasicCredentials {
  clientId: string;
  secret: string;
  secretHash: string;
  /** The client object these credentials last verified against (see `verified`). */
  verifiedFor?: Client;
}

function basicCredentials(header: string): BasicCredentials {
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
  if (authorization !== undefined && authorization.length > 6 && basicScheme.test(authorization)) {
    const memo = basicCredentials(authorization);
    const { clientId, secret, secretHash } = memo;
    if (bodyClientId !== undefined && bodyClientId !== clientId) throw invalidRequest('client_id does not match the Basic credentials');
    found.push({ method: 'client_secret_basic', clientId, secret, secretHash, memo });
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
  return authenticate(request, clients, context);
}

/**
 * `authenticateClient` for the token endpoint's common path: a cached client whose method
 * verifies synchronously (a client secret) is answered without a promise, and a refusal may be
 * thrown at once.
 */
export function authenticate(request: ClientAuthRequest, clients: ClientRegistry, context: ClientAuthContext): Client | Promise<Client> {
  const credentials = presentedCredentials(request);
  const client = clients.cached(credentials.clientId);
  if (client) return verified(credentials, client, context, request.endpoint);
  return clients.get(credentials.clientId).then((found) => verified(credentials, found, context, request.endpoint));
}

/** RFC 6749 §5.2: a refused Basic authentication answers with a Basic challenge. */
function challengeFor(credentials: PresentedCredentials, context: ClientAuthContext): Record<string, string> | undefined {
  return credentials.method === 'client_secret_basic' ? basicChallenge(context.issuer) : undefined;
}

/** The client, once the credentials it presented are verified with the method it registered. */
function verified(
  credentials: PresentedCredentials,
  client: Client | undefined,
  context: ClientAuthContext,
  endpoint: string,
): Client | Promise<Client> {
  if (!client) throw invalidClient('client authentication failed', challengeFor(credentials, context));
  if (client.token_endpoint_auth_method !== credentials.method) {
    throw invalidClient(`client must authenticate with ${client.token_endpoint_auth_method}`, challengeFor(credentials, context));
  }
  // The exact header that verified against this very client object (same stored secret hash) is
  // verified again by remembering it: only a caller who presents those credentials gets here.
  const { memo } = credentials;
  if (memo !== undefined && memo.verifiedFor === client) return client;
  const verifying = (handlers[credentials.method] as ClientAuthMethodHandler).verify(credentials, client, context, endpoint);
  // Secrets are checked synchronously: no promise on the token endpoint's common path.
  if (verifying) return verifying.then(() => client);
  if (memo !== undefined) memo.verifiedFor = client;
  return client;
}
