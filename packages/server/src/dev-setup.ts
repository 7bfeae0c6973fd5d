import { createClient } from './admin/client-admin.ts';
import type { Runtime } from './runtime.ts';

export const devAdminClientId = 'portcullis-admin';

/**
 * First start without a config: creates an admin client so the operator can reach the admin
 * API, and returns the instructions to print (the secret is shown once, stored hashed).
 */
export async function ensureDevSetup(runtime: Runtime): Promise<string | undefined> {
  if ((await runtime.store.clients.list()).length > 0) return undefined;
  const { client_secret } = await createClient(runtime, {
    client_id: devAdminClientId,
    client_name: 'Portcullis admin (development)',
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'admin:read admin:write fga:read fga:write',
  });
  const issuer = runtime.config.issuer;
  return [
    '',
    'Development setup created. Sign in to the admin API with this client (the secret is shown only now):',
    `  client_id:     ${devAdminClientId}`,
    `  client_secret: ${client_secret}`,
    '',
    'Get an admin token and list clients:',
    `  TOKEN=$(curl -s -u ${devAdminClientId}:${client_secret} -d grant_type=client_credentials -d resource=${issuer}/admin ${issuer}/oauth2/token | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
    `  curl -H "Authorization: Bearer $TOKEN" ${issuer}/admin/v1/clients`,
    `Admin API description: ${issuer}/admin/v1/openapi.json`,
    '',
  ].join('\n');
}
