/** RFC 9728 §2 protected resource metadata (the members an API usually sets). */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
  bearer_methods_supported?: string[];
  resource_signing_alg_values_supported?: string[];
  resource_name?: string;
  resource_documentation?: string;
  resource_policy_uri?: string;
  resource_tos_uri?: string;
  [member: string]: unknown;
}

export interface ResourceMetadataInput {
  /** The resource identifier: the `aud` tokens carry (RFC 8707). */
  resource: string;
  /** Issuers whose tokens the resource accepts. */
  authorization_servers: string[];
  scopes_supported?: string[];
  resource_name?: string;
  resource_documentation?: string;
  [member: string]: unknown;
}

/**
 * The RFC 9728 §2 metadata document an API serves at `resourceMetadataPath(resource)`.
 * Bearer tokens travel in the Authorization header only (RFC 6750 §2.1).
 *
 * @example app.get(resourceMetadataPath(api), () => protectedResourceMetadata({ resource: api, authorization_servers: [issuer] }))
 */
export function protectedResourceMetadata(input: ResourceMetadataInput): ProtectedResourceMetadata {
  return { bearer_methods_supported: ['header'], ...input };
}

/** RFC 9728 §3.1: `/.well-known/oauth-protected-resource` goes between the host and the resource's path. */
export function resourceMetadataPath(resource: string): string {
  const { pathname } = new URL(resource);
  return `/.well-known/oauth-protected-resource${pathname === '/' ? '' : pathname.replace(/\/+$/, '')}`;
}

/** The absolute metadata URL for a resource, as the `resource_metadata` challenge parameter (RFC 9728 §5.1) names it. */
export function resourceMetadataUrl(resource: string): string {
  return `${new URL(resource).origin}${resourceMetadataPath(resource)}`;
}
