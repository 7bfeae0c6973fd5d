/**
 * CPU per call of the token endpoint's parts, in process (no HTTP): where the time between
 * the signing ceiling and Portcullis' JWT issuance goes.
 *
 *   node bench/micro/token-endpoint-parts.ts [--calls 50000]
 */
import { parseArgs } from 'node:util';
import { authenticateClient, type FormBody, introspectionEndpoint, tokenEndpoint } from '@portcullis/oauth';
import { clientAuthContext } from '@portcullis/oauth/token-endpoint';
import { applyConfig } from '@portcullis/server/admin/apply-config';
import { parseFormBody } from '@portcullis/server/http/form-body';
import { openRuntime } from '@portcullis/server/runtime';
import { freePort } from '@portcullis/server/test-support';
import { createSqliteDatabase } from '@portcullis/store/test-databases';
import {
  basicAuthorization,
  introspectingClient,
  introspectionRequestBody,
  issuingClient,
  jwtApi,
  opaqueApi,
  tokenRequestBody,
} from '../lib/fixtures.ts';
import { benchPortcullisConfig } from '../lib/portcullis-config.ts';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '50000' } } });
const calls = Number(values.calls);

async function measure(label: string, fn: () => unknown): Promise<void> {
  for (let i = 0; i < calls / 5; i++) await fn();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < calls; i += 10) await Promise.all([fn(), fn(), fn(), fn(), fn(), fn(), fn(), fn(), fn(), fn()]);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / calls);
  }
  console.log(`${label.padEnd(28)} ${best.toFixed(2).padStart(7)} µs CPU per call`);
}

const database = createSqliteDatabase();
const config = benchPortcullisConfig(await freePort(), database.url);

const runtime = await openRuntime(config);
await applyConfig(runtime);
const context = runtime.context;
const authorization = basicAuthorization(issuingClient.id, issuingClient.secret);
const jwtBody = (): FormBody => parseFormBody(tokenRequestBody(jwtApi)) as FormBody;
const opaqueBody = (): FormBody => parseFormBody(tokenRequestBody(opaqueApi)) as FormBody;
const endpoint = context.endpoints.token_endpoint;
const key = context.keys.signingKey();
const input = Buffer.from('x'.repeat(400));

await measure('parse form', () => jwtBody());
await measure('sign only', () => key.sign(input));
await measure('authenticateClient', () =>
  authenticateClient({ body: jwtBody(), authorization, endpoint }, context.clients, clientAuthContext(context)),
);
const client = (await context.clients.get(issuingClient.id))!;
const { resolveTarget } = await import('@portcullis/oauth/resource-indicators');
const { issueAccessToken } = await import('@portcullis/oauth/access-token-issuer');
const { signJwt } = await import('@portcullis/oauth/jwt');
const { randomUUID } = await import('node:crypto');
const target = await resolveTarget(context, client, jwtBody());
await measure('resolveTarget', () => resolveTarget(context, client, jwtBody()));
await measure('randomUUID', () => randomUUID());
await measure('signJwt', () =>
  signJwt(key, 'at+jwt', {
    iss: context.issuer,
    sub: 'basic-client',
    aud: jwtApi,
    exp: 1,
    iat: 1,
    jti: randomUUID(),
    client_id: 'basic-client',
    scope: 'orders:read orders:write',
  }),
);
await measure('issueAccessToken jwt', () =>
  issueAccessToken(context, { client, subject: client.client_id, api: target.api, scopes: target.scopes }),
);
await measure('tokenEndpoint jwt', () => tokenEndpoint(context, { body: jwtBody(), authorization, endpoint }));
await measure('tokenEndpoint opaque', () => tokenEndpoint(context, { body: opaqueBody(), authorization, endpoint }));
const issued = await tokenEndpoint(context, { body: opaqueBody(), authorization, endpoint });
const introspector = basicAuthorization(introspectingClient.id, introspectingClient.secret);
await measure('introspectionEndpoint', () =>
  introspectionEndpoint(context, {
    body: parseFormBody(introspectionRequestBody(issued.access_token)) as FormBody,
    authorization: introspector,
    endpoint: context.endpoints.introspection_endpoint,
  }),
);
await runtime.close();
await database.drop();
