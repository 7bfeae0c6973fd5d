/**
 * Shared fixtures for gateway tests: an upstream that echoes what it receives, a token factory
 * that signs with a running Portcullis server's own key ring, a gateway config for the SDK's
 * enforcement suite, and one call that starts server, upstream and gateway together.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signJwt } from '@portcullis/oauth/jwt';
import type { Fetch } from '@portcullis/sdk';
import { type EnforcementTarget, suiteRoutes, TestClock, type TokenFactory } from '@portcullis/sdk/test-support';
import {
  basicAuth,
  postForm,
  secrets,
  startTestServer,
  type TestServer,
  type TestServerOptions,
  testApi,
  testOpaqueApi,
} from '@portcullis/server/test-support';
import { parseGatewaySettings } from './config/parse.ts';
import { type GatewayOptions, type RunningGateway, startGateway } from './gateway.ts';

/** What the echo upstream saw. */
export interface EchoedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyLength: number;
}

export interface EchoUpstream {
  url: string;
  /** Requests received so far. */
  received: EchoedRequest[];
  close(): Promise<void>;
}

/** A real HTTP API that answers every request with the method, URL, headers and body size it received. */
export async function startEchoUpstream(): Promise<EchoUpstream> {
  const received: EchoedRequest[] = [];
  const server = createServer((request, response) => {
    let bodyLength = 0;
    request.on('data', (chunk: Buffer) => {
      bodyLength += chunk.length;
    });
    request.on('end', () => {
      const echoed = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, bodyLength };
      received.push(echoed);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(echoed));
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Signs access tokens with the running server's current key, as the server itself would. */
export function serverTokenFactory(server: TestServer, clock: TestClock): TokenFactory {
  const keys = server.runtime.context.keys;
  return {
    issuer: server.issuer,
    now: () => clock.seconds(),
    jwt(claims = {}) {
      const now = clock.seconds();
      const base = {
        iss: server.issuer,
        sub: 'user-1',
        aud: testApi,
        client_id: 'basic-client',
        scope: 'orders:read',
        iat: now,
        exp: now + 300,
        jti: randomUUID(),
      };
      return signJwt(
        keys.signingKey(),
        'at+jwt',
        Object.fromEntries(Object.entries({ ...base, ...claims }).filter(([, v]) => v !== undefined)),
      );
    },
    publicJwk() {
      const kid = keys.signingKey().kid;
      return keys.jwks().keys.find((k) => k.kid === kid) as Record<string, unknown>;
    },
  };
}

/** Counts what the gateway asks the issuer, and can make it unreachable. */
export interface IssuerLink {
  fetch: Fetch;
  counts: { jwks: number; introspection: number };
  offline: boolean;
}

export function issuerLink(): IssuerLink {
  const link: IssuerLink = {
    counts: { jwks: 0, introspection: 0 },
    offline: false,
    fetch: async (input, init) => {
      const url = String(input);
      if (url.endsWith('/jwks.json')) link.counts.jwks++;
      if (url.endsWith('/introspect')) link.counts.introspection++;
      if (link.offline) throw new TypeError('fetch failed: connect ECONNREFUSED');
      return fetch(input, init);
    },
  };
  return link;
}

/**
 * The `gateway:` section for the enforcement suite: the SDK's suite routes for the JWT API,
 * `/reports` for the opaque API (phantom token), `/headers` injecting claims, and `/public`.
 */
export function suiteGatewayConfig(server: TestServer, upstream: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    port: 0,
    issuer: server.issuer,
    audience: testApi,
    introspection: { client_id: 'gateway', client_secret: secrets.gateway },
    log: { level: 'silent' },
    routes: [
      ...suiteRoutes.map(({ path, ...rule }) => ({ methods: ['GET'], path, upstream, ...rule })),
      { methods: ['GET'], path: '/reports', upstream, audience: testOpaqueApi, scope: 'reports:read', token: 'opaque' },
      { methods: ['GET'], path: '/any/:id', upstream, audience: [testApi, testOpaqueApi], token: 'any' },
      { path: '/headers', upstream, headers: { 'x-user': 'sub', 'x-client-id': 'client_id', 'x-scopes': 'scope' } },
      { methods: ['GET', 'POST'], path: '/public/*', upstream, auth: 'none' },
    ],
    ...extra,
  };
}

export interface Stack {
  server: TestServer;
  upstream: EchoUpstream;
  gateway: RunningGateway;
  clock: TestClock;
  link: IssuerLink;
  factory: TokenFactory;
  /** Starts another gateway in front of the same server and upstream. */
  startGateway(extra?: Record<string, unknown>, options?: GatewayOptions): Promise<RunningGateway>;
  close(): Promise<void>;
}

/** A running Portcullis server, the echo upstream and a gateway in front, with an injected clock and issuer link. */
export async function startStack(options: { server?: TestServerOptions; gateway?: Record<string, unknown> } = {}): Promise<Stack> {
  const server = await startTestServer(options.server);
  const upstream = await startEchoUpstream();
  const clock = new TestClock(Date.now());
  const link = issuerLink();
  const gateways: RunningGateway[] = [];
  const start = async (extra: Record<string, unknown> = {}, gatewayOptions: GatewayOptions = {}) => {
    const gateway = await startGateway(parseGatewaySettings(suiteGatewayConfig(server, upstream.url, extra)), {
      clock: clock.clock,
      fetch: link.fetch,
      logger: false,
      ...gatewayOptions,
    });
    gateways.push(gateway);
    return gateway;
  };
  const gateway = await start(options.gateway);
  return {
    server,
    upstream,
    gateway,
    clock,
    link,
    factory: serverTokenFactory(server, clock),
    startGateway: start,
    async close() {
      for (const g of gateways) await g.close();
      await upstream.close();
      await server.close();
    },
  };
}

/** An enforcement-suite target backed by a stack's gateway. */
export function gatewayTarget(stack: Stack): EnforcementTarget {
  return {
    factory: stack.factory,
    async request(path, authorization) {
      const response = await fetch(`${stack.gateway.url}${path}`, { headers: authorization ? { authorization } : {} });
      await response.arrayBuffer();
      return { status: response.status, challenge: response.headers.get('www-authenticate') };
    },
    close: () => stack.close(),
  };
}

/** A client-credentials access token from the server (RFC 6749 §4.4) for `resource`. */
export async function clientCredentialsToken(server: TestServer, resource: string, scope?: string): Promise<string> {
  const response = await postForm(
    `${server.issuer}/oauth2/token`,
    { grant_type: 'client_credentials', resource, ...(scope ? { scope } : {}) },
    { authorization: basicAuth('basic-client', secrets.basic) },
  );
  if (response.status !== 200) throw new Error(`token request failed: ${JSON.stringify(response.body)}`);
  return response.body.access_token as string;
}

/** Revokes a token at the server (RFC 7009), as the client it was issued to. */
export async function revokeToken(server: TestServer, token: string): Promise<void> {
  const response = await postForm(`${server.issuer}/oauth2/revoke`, { token }, { authorization: basicAuth('basic-client', secrets.basic) });
  if (response.status !== 200) throw new Error(`revocation failed: ${response.status}`);
}

/** GETs through the gateway and returns status, headers and the parsed body. */
export async function get(gateway: RunningGateway, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${gateway.url}${path}`, { headers });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  // biome-ignore lint/suspicious/noExplicitAny: tests read bodies loosely
  return { status: response.status, headers: response.headers, body: body as any };
}
