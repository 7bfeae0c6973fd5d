/**
 * Portcullis configured with the benchmark scenario (lib/fixtures.ts): its clients and APIs on
 * a given database, logging as an operator runs it (pino at `info`, request logging off;
 * BENCH_PORTCULLIS_LOG_LEVEL changes the level). Used by the server target and the micro
 * benchmarks, so that every Portcullis measurement runs the same configuration.
 */
import type { Config } from '@portcullis/server/config/types';
import { testConfig } from '@portcullis/server/test-support';
import { apis, introspectingClient, issuingClient, tokenTtl } from './fixtures.ts';

export function benchPortcullisConfig(port: number, databaseUrl: string): Config {
  return testConfig(port, databaseUrl, {
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
}
