import { longestAccessTokenTtl } from '@portcullis/store';
import { envName, settings } from './load.ts';

/** The configuration reference (docs/configuration.md), generated from the schema. */
export function configReference(): string {
  const rows = settings().map(({ path, setting }) => {
    const type = 'enum' in setting && setting.enum ? setting.enum.map((v) => `\`${v}\``).join(' \\| ') : setting.type;
    const fallback = 'default' in setting && setting.default !== undefined ? `\`${String(setting.default)}\`` : '—';
    return `| \`${path}\` | ${type} | ${fallback} | \`${envName(path)}\` | ${setting.description} |`;
  });
  return `# Configuration reference

<!-- Generated from packages/server/src/config/schema.ts by \`npm run docs:config\`; a test fails when this file is stale. -->

\`portcullis start --config <file>\` reads YAML (or JSON when the name ends in \`.json\`).
Precedence, highest first: command-line flags (\`--port\`, \`--host\`, \`--database\`), environment
variables, the file, the defaults below. \`\${VAR}\` inside any string value of the file is replaced
from the environment (a missing variable is an error). Unknown keys are refused with the key path,
so a typo never goes unnoticed.

| key | type | default | environment | meaning |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

## Lists

- \`clients\`: client registrations using the metadata names of RFC 7591 / OpenID Connect Dynamic
  Client Registration: \`client_id\` (required in the file), \`client_secret\` (stored hashed; at
  least 16 characters), \`client_name\`, \`grant_types\` (\`client_credentials\`,
  \`authorization_code\`, \`refresh_token\`), \`response_types\`, \`redirect_uris\`,
  \`post_logout_redirect_uris\`, \`scope\` (space-separated scopes the client may request, across
  APIs), \`token_endpoint_auth_method\` (\`client_secret_basic\` default, \`client_secret_post\`,
  \`private_key_jwt\` with \`jwks\` or \`jwks_uri\`, \`none\` for public clients),
  \`token_endpoint_auth_signing_alg\`, \`dpop_bound_access_tokens\`. Re-applying the file is
  idempotent: unchanged entries are not written.
- \`apis\`: resource servers: \`identifier\` (absolute URI; the token audience and RFC 8707
  \`resource\`), \`name\`, \`scopes\` (scope name → description), \`token_format\` (\`jwt\` default,
  or \`opaque\`), \`access_token_ttl\` (seconds, default 3600, at most ${longestAccessTokenTtl}: ${longestAccessTokenTtl / 86_400} days), \`introspection_clients\` (client ids
  that may introspect this API's tokens, such as a gateway).
- \`users\`: development users (see the people guide once sign-in is available).
- \`gateway\`: the gateway's own settings (see the gateway guide).

Two APIs are built in and always present: \`<issuer>/admin\` (scopes \`admin:read\`,
\`admin:write\`) protecting \`/admin/v1\`, and \`<issuer>/fga\` (scopes \`fga:read\`, \`fga:write\`)
protecting the permissions API.
`;
}
