/**
 * Portcullis for the people benchmark: a fresh SQLite file (WAL), the scenario's SPA client,
 * opaque-token API and person (password stored as argon2id, m=19456 t=2 p=1), started as
 * `portcullis start` starts it (logs at info, request logging off), on a free loopback port.
 */
import { startServer } from '@portcullis/server';
import { freePort, testConfig } from '@portcullis/server/test-support';
import { createSqliteDatabase } from '@portcullis/store/test-databases';
import { api, client, person } from './fixtures.ts';
import { announceReady } from './process.ts';

const database = createSqliteDatabase();
const port = await freePort();
const config = testConfig(port, database.url, {
  clients: [
    {
      client_id: client.id,
      client_name: client.name,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [client.redirectUri],
      scope: Object.keys(api.scopes).join(' '),
    },
  ],
  apis: [{ identifier: api.identifier, name: api.name, scopes: api.scopes, token_format: 'opaque', access_token_ttl: api.accessTokenTtl }],
  users: [{ username: person.username, password: person.password, name: person.name }],
  overrides: { 'log.level': process.env.BENCH_PORTCULLIS_LOG_LEVEL ?? 'info' },
});
const server = await startServer(config);
announceReady({ issuer: config.issuer, database: database.url }, async () => {
  await server.stop();
  await database.drop();
});
