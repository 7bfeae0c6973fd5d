import { apiClaimNames, invalidRequest, parseScope } from '@portcullis/oauth';
import { longestAccessTokenTtl } from '@portcullis/store';

/** Validates an API (resource server) definition; returns the identifier and stored metadata. */
export function validateApiMetadata(input: Record<string, unknown>): { identifier: string; metadata: Record<string, unknown> } {
  const { identifier, ...metadata } = input;
  if (typeof identifier !== 'string') throw invalidRequest('identifier is required');
  let url: URL;
  try {
    url = new URL(identifier);
  } catch {
    throw invalidRequest('identifier must be an absolute URI (RFC 8707 §2)');
  }
  if (url.hash || identifier.includes('#')) throw invalidRequest('identifier must not contain a fragment');
  if (metadata.name !== undefined && typeof metadata.name !== 'string') throw invalidRequest('name must be a string');
  const scopes = metadata.scopes ?? {};
  if (!scopes || typeof scopes !== 'object' || Array.isArray(scopes)) throw invalidRequest('scopes must map scope names to descriptions');
  for (const [name, description] of Object.entries(scopes)) {
    if (parseScope(name).length !== 1) throw invalidRequest(`scope name "${name}" is not a valid scope token`);
    if (typeof description !== 'string') throw invalidRequest(`scope ${name}: description must be a string`);
  }
  metadata.scopes = scopes;
  const format = metadata.token_format ?? 'jwt';
  if (format !== 'jwt' && format !== 'opaque') throw invalidRequest('token_format must be jwt or opaque');
  metadata.token_format = format;
  const ttl = metadata.access_token_ttl ?? 3600;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > longestAccessTokenTtl) {
    throw invalidRequest(`access_token_ttl must be an integer number of seconds between 1 and ${longestAccessTokenTtl}`);
  }
  metadata.access_token_ttl = ttl;
  const introspectors = metadata.introspection_clients ?? [];
  if (!Array.isArray(introspectors) || introspectors.some((c) => typeof c !== 'string')) {
    throw invalidRequest('introspection_clients must be a list of client ids');
  }
  const claims = metadata.claims ?? [];
  if (!Array.isArray(claims) || claims.some((c) => !(apiClaimNames as readonly string[]).includes(c))) {
    throw invalidRequest(`claims must be a list of: ${apiClaimNames.join(', ')}`);
  }
  return { identifier, metadata };
}
