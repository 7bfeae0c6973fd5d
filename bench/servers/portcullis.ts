/**
 * Portcullis as a benchmark target: a fresh SQLite database, the bench fixtures' clients and
 * APIs, and the server started as `portcullis start` starts it (pino logger at `info`,
 * request logging off), listening on a free loopback port.
 */
import { startServer } from '@portcullis/server';
import { freePort, testConfig } from '@portcullis/server/test-support';
import { createSqliteDatabase } from '@portcullis/store/test-databases';
import { apis, introspectingClient, issuingClient, tokenTtl } from '../lib/fixtures.ts';
import { announce } from './child.ts';

const database = createSqliteDatabase();
const port = await freePort();
const config = testConfig(port, database.url, {
  clients: [
    {
      client_id: issuingClient.id,
      client_secret: issuingClient.secret,
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: issuingClient.scope,
    },
    {
      client_id: introspectingClient.id,
      client_secret: introspectingClient.secret,
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: '',
    },
  ],
  apis: apis.map((api) => ({
    identifier: api.identifier,
    name: api.name,
    scopes: api.scopes,
    token_format: api.format,
    access_token_ttl: tokenTtl,
    introspection_clients: [introspectingClient.id],
  })),
  // What an operator runs: logs at info, request logging off (testConfig's default is silent).
  overrides: { 'log.level': process.env.BENCH_PORTCULLIS_LOG_LEVEL ?? 'info' },
});
const server = await startServer(config);
announce({ url: server.url }, async () => {
  await server.stop();
  await database.drop();
});
