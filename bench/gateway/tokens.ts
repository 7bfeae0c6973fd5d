/** Access tokens from the benchmark's issuer (RFC 6749 §4.4), as the fixture's basic client. */
import { basicAuth, postForm, secrets, testApi, testOpaqueApi } from '@portcullis/server/test-support';

export interface Tokens {
  /** An RFC 9068 JWT for the JWT API, scope orders:read. */
  jwt: string;
  /** An opaque token for the opaque API, scope reports:read. */
  opaque: string;
}

async function token(issuer: string, resource: string, scope: string): Promise<string> {
  const response = await postForm(
    `${issuer}/oauth2/token`,
    { grant_type: 'client_credentials', resource, scope },
    { authorization: basicAuth('basic-client', secrets.basic) },
  );
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.access_token as string;
}

export async function tokensFrom(issuer: string): Promise<Tokens> {
  return { jwt: await token(issuer, testApi, 'orders:read'), opaque: await token(issuer, testOpaqueApi, 'reports:read') };
}
