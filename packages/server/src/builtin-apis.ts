/** APIs every Portcullis server has: its own admin API and the permissions (OpenFGA) API. */
export function builtinApis(issuer: string): Array<{ identifier: string; metadata: Record<string, unknown> }> {
  return [
    {
      identifier: `${issuer}/admin`,
      metadata: {
        name: 'Portcullis admin API',
        builtin: true,
        scopes: {
          'admin:read': 'Read clients, APIs, users and keys',
          'admin:write': 'Create, change and delete clients, APIs, users and keys',
        },
        token_format: 'jwt',
        access_token_ttl: 600,
      },
    },
    {
      identifier: `${issuer}/fga`,
      metadata: {
        name: 'Portcullis permissions API',
        builtin: true,
        scopes: { 'fga:read': 'Read tuples, run checks, expand and list', 'fga:write': 'Manage stores and models, write tuples' },
        token_format: 'jwt',
        access_token_ttl: 3600,
      },
    },
  ];
}
