/**
 * Shared fixtures for tests that need a running server: a fresh database, a config with known
 * clients and APIs, and the server listening on a free loopback port.
 */
import { createServer } from 'node:net';
import { createPostgresDatabase, createSqliteDatabase, type TestDatabase } from '@portcullis/store/test-databases';
import { loadConfig } from './config/load.ts';
import type { Config } from './config/types.ts';
import { type RunningServer, startServer } from './server.ts';

export const testKeyEncryptionKey = 'test-key-encryption-key-0123456789';
export const testApi = 'https://api.example.com';
export const testOpaqueApi = 'https://opaque.example.com';

/** Secrets of the fixture clients (long enough for the 16-character minimum). */
export const secrets = {
  basic: 'basic-secret-0123456789abcdef',
  post: 'post-secret-0123456789abcdef',
  gateway: 'gateway-secret-0123456789abcdef',
  admin: 'admin-secret-0123456789abcdef',
};

/** The fixture's clients, one per authentication method, plus an admin and a public client. */
export function fixtureClients(): Record<string, unknown>[] {
  return [
    {
      client_id: 'basic-client',
      client_name: 'Basic client',
      client_secret: secrets.basic,
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'orders:read orders:write reports:read',
    },
    {
      client_id: 'post-client',
      client_secret: secrets.post,
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'orders:read',
    },
    {
      client_id: 'gateway',
      client_secret: secrets.gateway,
      grant_types: ['client_credentials'],
      scope: '',
    },
    {
      client_id: 'admin',
      client_secret: secrets.admin,
      grant_types: ['client_credentials'],
      scope: 'admin:read admin:write fga:read fga:write',
    },
    {
      client_id: 'public-client',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      redirect_uris: ['http://127.0.0.1/callback'],
      scope: 'orders:read',
    },
  ];
}

export function fixtureApis(): Record<string, unknown>[] {
  return [
    {
      identifier: testApi,
      name: 'Orders API',
      scopes: { 'orders:read': 'Read orders', 'orders:write': 'Change orders' },
      token_format: 'jwt',
      access_token_ttl: 300,
      introspection_clients: ['gateway'],
    },
    {
      identifier: testOpaqueApi,
      name: 'Reports API',
      scopes: { 'reports:read': 'Read reports' },
      token_format: 'opaque',
      access_token_ttl: 300,
      introspection_clients: ['gateway'],
    },
  ];
}

/** A free TCP port on loopback (the issuer must be known before the server listens). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface TestServerOptions {
  database?: 'sqlite' | 'postgres';
  clients?: Record<string, unknown>[];
  apis?: Record<string, unknown>[];
  /** Extra settings by dotted path (e.g. `keys.poll_interval`). */
  overrides?: Record<string, unknown>;
}

export interface TestServer extends RunningServer {
  issuer: string;
  config: Config;
  database: TestDatabase;
  /** Stops the server and drops its database. */
  close(): Promise<void>;
}

/** Config for a test server on `port` over `databaseUrl`, as a file would give it. */
export function testConfig(port: number, databaseUrl: string, options: TestServerOptions = {}): Config {
  return loadConfig({
    env: {},
    overrides: {
      port,
      database: databaseUrl,
      'keys.encryption_key': testKeyEncryptionKey,
      'log.level': 'silent',
      ...options.overrides,
    },
    inline: { clients: options.clients ?? fixtureClients(), apis: options.apis ?? fixtureApis() },
  });
}

/** Starts a server on a fresh database with the fixture clients and APIs. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.database === 'postgres' ? await createPostgresDatabase() : createSqliteDatabase();
  const port = await freePort();
  const config = testConfig(port, database.url, options);
  const server = await startServer(config, { logger: false });
  return {
    ...server,
    issuer: config.issuer,
    config,
    database,
    async close() {
      await server.stop();
      await database.drop();
    },
  };
}

/** Basic credentials header for a client (RFC 6749 §2.3.1 encoding). */
export function basicAuth(clientId: string, secret: string): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

/** POSTs a form to the server and returns status, headers and parsed JSON (or text). */
export async function postForm(
  url: string,
  form: Record<string, string | string[]>,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
): Promise<{ status: number; headers: Headers; body: any }> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: params,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body };
}
