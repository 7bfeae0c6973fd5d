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
  web: 'web-app-secret-0123456789abcdef',
};

/** Redirect URIs of the fixture's browser clients (nothing listens there: tests stop at the redirect). */
export const webCallback = 'http://127.0.0.1:65000/callback';
export const spaCallback = 'http://127.0.0.1:65001/callback';
export const postLogout = 'http://127.0.0.1:65000/signed-out';

/** Fixture people; passwords as typed into the login form. */
export const people = {
  anne: {
    username: 'anne',
    password: 'correct horse battery staple',
    email: 'anne@example.com',
    name: 'Anne Example',
    roles: ['admin'],
    groups: ['eng'],
  },
  bob: { username: 'bob', password: 'bob-password-123', name: 'Bob Example' },
};

export function fixtureUsers(): Record<string, unknown>[] {
  return Object.values(people).map((p) => ({ ...p }));
}

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
      client_id: 'web-app',
      client_name: 'Orders Web',
      client_secret: secrets.web,
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [webCallback],
      post_logout_redirect_uris: [postLogout],
      scope: 'orders:read orders:write',
    },
    {
      client_id: 'spa',
      client_name: 'Orders SPA',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [spaCallback],
      scope: 'orders:read reports:read',
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
      claims: ['roles', 'groups'],
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
  users?: Record<string, unknown>[];
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
    inline: { clients: options.clients ?? fixtureClients(), apis: options.apis ?? fixtureApis(), users: options.users ?? fixtureUsers() },
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

/**
 * A minimal browser for protocol tests: a cookie jar, manual redirects, and form submission by
 * parsing the page's hidden fields. It stops at the first redirect leaving the server.
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  readonly #origin: string;

  constructor(issuer: string) {
    this.#origin = new URL(issuer).origin;
  }

  #store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, eq);
      const value = (pair ?? '').slice(eq + 1);
      if (/Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.#store(response);
    return response;
  }

  /** Follows redirects within the server; returns the last response and the URL it was for. */
  async follow(url: string, init: RequestInit = {}): Promise<{ response: Response; url: string; html: string; leftTo?: string }> {
    let current = url;
    let response = await this.request(current, init);
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops++) {
      const next = new URL(response.headers.get('location') as string, current).toString();
      if (new URL(next).origin !== this.#origin) return { response, url: current, html: '', leftTo: next };
      current = next;
      response = await this.request(current);
    }
    return { response, url: current, html: await response.text() };
  }

  /** Submits the page's form (the one with `action`), its hidden fields plus `fields`. */
  async submit(html: string, action: string, fields: Record<string, string>) {
    const form = new RegExp(`<form[^>]*action="${action.replace(/[/.?]/g, '\\$&')}"[^>]*>([\\s\\S]*?)</form>`).exec(html);
    if (!form) throw new Error(`no form posting to ${action} on the page`);
    const body = new URLSearchParams();
    for (const match of (form[1] as string).matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      body.set(
        match[1] as string,
        (match[2] as string)
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&'),
      );
    }
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    return this.follow(new URL(action, this.#origin).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  }

  /** Runs an authorization request through sign-in and consent; returns where the server sent the browser. */
  async authorize(url: string, person: { username: string; password: string }, consent: 'allow' | 'deny' = 'allow'): Promise<string> {
    let step = await this.follow(url);
    // Pages are told by their forms: the sign-in page is answered at the authorization URL itself.
    const posts = (action: string) => new RegExp(`<form[^>]*action="${action}"`).test(step.html);
    if (posts('/login')) step = await this.submit(step.html, '/login', { username: person.username, password: person.password });
    if (!step.leftTo && posts('/consent')) step = await this.submit(step.html, '/consent', { decision: consent });
    if (!step.leftTo) throw new Error(`the flow did not return to the client (at ${step.url}, status ${step.response.status})`);
    return step.leftTo;
  }
}
