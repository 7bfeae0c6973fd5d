/**
 * Shared fixtures for SDK and gateway tests: a controllable clock, an in-memory issuer
 * (discovery, JWKS, introspection) answered through an injected fetch, token forgeries, and
 * the enforcement cases every adapter and the gateway must pass.
 */
import { strict as assert } from 'node:assert';
import { createHmac, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Fetch } from './http.ts';

export const suiteIssuer = 'https://issuer.example.com';
export const suiteApi = 'https://api.example.com';
export const mfaAcr = 'urn:example:acr:mfa';
export const passwordAcr = 'urn:example:acr:password';

/** A clock tests move by hand (milliseconds). */
export class TestClock {
  now: number;
  constructor(start = Date.UTC(2030, 0, 1)) {
    this.now = start;
  }
  readonly clock = (): number => this.now;
  advance(seconds: number): void {
    this.now += seconds * 1000;
  }
  seconds(): number {
    return Math.floor(this.now / 1000);
  }
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS with exactly this header and payload, signed by `signer` over the signing input. */
export function compactJws(header: Record<string, unknown>, payload: Record<string, unknown>, signer: (input: Buffer) => Buffer): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${signer(Buffer.from(input)).toString('base64url')}`;
}

/** RFC 8725 §2.1: an unsecured JWT that claims `alg: none`. */
export function unsignedToken(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return `${b64({ typ: 'at+jwt', ...header, alg: 'none' })}.${b64(payload)}.`;
}

/** RFC 8725 §2.1: HS256 keyed with the issuer's public key (as PEM), hoping the verifier treats it as a secret. */
export function hmacWithPublicKey(publicJwk: Record<string, unknown>, payload: Record<string, unknown>): string {
  const pem = createPublicKey({ key: publicJwk as never, format: 'jwk' }).export({ format: 'pem', type: 'spki' });
  return compactJws({ alg: 'HS256', typ: 'at+jwt', kid: publicJwk.kid }, payload, (input) =>
    createHmac('sha256', pem).update(input).digest(),
  );
}

/** The same token with one claim changed and the original signature kept. */
export function tamper(token: string, claims: Record<string, unknown> = { scope: 'orders:read orders:write admin' }): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const changed = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), ...claims };
  return `${header}.${b64(changed)}.${signature}`;
}

export interface TestKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

export function generateTestKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' } };
}

export function signWithTestKey(key: TestKey, header: Record<string, unknown>, payload: Record<string, unknown>): string {
  return compactJws({ alg: 'ES256', kid: key.kid, ...header }, payload, (input) =>
    sign('sha256', input, { key: key.privateKey, dsaEncoding: 'ieee-p1363' }),
  );
}

interface OpaqueRecord {
  claims: Record<string, unknown>;
  revoked: boolean;
}

/**
 * An issuer in memory, reached through `fetch` (no socket): discovery, JWKS and RFC 7662 /
 * RFC 9701 introspection for one confidential client. `online = false` makes it unreachable.
 */
export class TestIssuer {
  readonly issuer: string;
  readonly clock: TestClock;
  readonly introspector = { client_id: 'gateway', client_secret: 'gateway-secret' };
  keys: TestKey[] = [generateTestKey()];
  online = true;
  readonly requests = { discovery: 0, jwks: 0, introspection: 0 };
  readonly #opaque = new Map<string, OpaqueRecord>();

  constructor(options: { issuer?: string; clock?: TestClock } = {}) {
    this.issuer = options.issuer ?? suiteIssuer;
    this.clock = options.clock ?? new TestClock();
  }

  get signingKey(): TestKey {
    return this.keys.at(-1)!;
  }

  /** Publishes and signs with a new key; the old one stays published unless `retire`. */
  rotate(options: { retire?: boolean } = {}): TestKey {
    const key = generateTestKey();
    this.keys = options.retire ? [key] : [...this.keys, key];
    return key;
  }

  /** Default claims of an access token for the suite API, overridden by `claims` (undefined removes one). */
  claims(claims: Record<string, unknown> = {}): Record<string, unknown> {
    const now = this.clock.seconds();
    const base = {
      iss: this.issuer,
      sub: 'user-1',
      aud: suiteApi,
      client_id: 'app',
      scope: 'orders:read',
      iat: now,
      exp: now + 300,
      jti: randomUUID(),
    };
    return Object.fromEntries(Object.entries({ ...base, ...claims }).filter(([, v]) => v !== undefined));
  }

  /** An RFC 9068 access token signed by the current key. */
  jwt(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): string {
    return signWithTestKey(this.signingKey, { typ: 'at+jwt', ...header }, this.claims(claims));
  }

  /** An opaque token the introspection endpoint knows. */
  opaque(claims: Record<string, unknown> = {}): string {
    const token = randomBytes(32).toString('base64url');
    this.#opaque.set(token, { claims: this.claims(claims), revoked: false });
    return token;
  }

  revoke(token: string): void {
    const record = this.#opaque.get(token);
    if (record) record.revoked = true;
  }

  readonly fetch: Fetch = async (input, init) => {
    const url = String(input);
    if (!this.online) throw new TypeError('fetch failed: connect ECONNREFUSED');
    if (url === `${this.issuer}/.well-known/openid-configuration`) {
      this.requests.discovery++;
      return Response.json({ issuer: this.issuer, jwks_uri: `${this.issuer}/jwks`, introspection_endpoint: `${this.issuer}/introspect` });
    }
    if (url === `${this.issuer}/jwks`) {
      this.requests.jwks++;
      return Response.json({ keys: this.keys.map((k) => k.publicJwk) }, { headers: { 'cache-control': 'public, max-age=60' } });
    }
    if (url === `${this.issuer}/introspect` && init?.method === 'POST') {
      this.requests.introspection++;
      return this.#introspect(init);
    }
    return new Response('not found', { status: 404 });
  };

  #introspect(init: RequestInit): Response {
    const { client_id, client_secret } = this.introspector;
    const expected = `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}`;
    if (new Headers(init.headers).get('authorization') !== expected) return Response.json({ error: 'invalid_client' }, { status: 401 });
    const token = new URLSearchParams(String(init.body)).get('token') ?? '';
    const record = this.#opaque.get(token);
    const now = this.clock.seconds();
    const active = record && !record.revoked && Number(record.claims.exp) > now;
    const body: Record<string, unknown> = active ? { ...record.claims, active: true, token_type: 'Bearer' } : { active: false };
    if (!new Headers(init.headers).get('accept')?.includes('application/token-introspection+jwt')) return Response.json(body);
    const exp = Math.min(now + 60, Number(body.exp ?? now + 60));
    const jwt = signWithTestKey(
      this.signingKey,
      { typ: 'token-introspection+jwt' },
      { iss: this.issuer, aud: client_id, iat: now, exp, token_introspection: body },
    );
    return new Response(jwt, { headers: { 'content-type': 'application/token-introspection+jwt' } });
  }
}

/** What the enforcement cases need from an issuer: a way to sign access tokens and its current public key. */
export interface TokenFactory {
  issuer: string;
  /** Seconds since the epoch, by the clock the verifier uses. */
  now(): number;
  /** An access token for the suite API with these claims over the defaults, signed by the issuer. */
  jwt(claims?: Record<string, unknown>): string;
  publicJwk(): Record<string, unknown>;
}

export function issuerTokenFactory(issuer: TestIssuer): TokenFactory {
  return {
    issuer: issuer.issuer,
    now: () => issuer.clock.seconds(),
    jwt: (claims) => issuer.jwt(claims),
    publicJwk: () => issuer.signingKey.publicJwk,
  };
}

/**
 * The routes the enforcement cases expect, for `suiteApi`:
 * `GET /orders` needs `orders:read`; `GET /orders/export` needs `orders:read and (orders:export or admin)`;
 * `GET /step-up` needs `orders:read`, `acr` of `mfaAcr` and an authentication within 300 s.
 */
export const suiteRoutes = [
  { path: '/orders', scope: 'orders:read' },
  { path: '/orders/export', scope: 'orders:read and (orders:export or admin)' },
  { path: '/step-up', scope: 'orders:read', acr: mfaAcr, max_age: 300 },
] as const;

export interface EnforcementCase {
  name: string;
  path: string;
  token(factory: TokenFactory): string | undefined;
  status: number;
  /** Parameters the WWW-Authenticate challenge must carry (`error` absent means none at all). */
  challenge?: Record<string, string>;
}

export const enforcementCases: EnforcementCase[] = [
  { name: 'a request without a token gets a bare Bearer challenge', path: '/orders', token: () => undefined, status: 401, challenge: {} },
  { name: 'a valid token with the scope is let through', path: '/orders', token: (f) => f.jwt(), status: 200 },
  {
    name: 'an expired token is refused as invalid_token',
    path: '/orders',
    token: (f) => f.jwt({ iat: f.now() - 900, exp: f.now() - 600 }),
    status: 401,
    challenge: { error: 'invalid_token' },
  },
  {
    name: 'a token for another audience is refused',
    path: '/orders',
    token: (f) => f.jwt({ aud: 'https://other.example.com' }),
    status: 401,
    challenge: { error: 'invalid_token' },
  },
  {
    name: 'a tampered token is refused',
    path: '/orders',
    token: (f) => tamper(f.jwt()),
    status: 401,
    challenge: { error: 'invalid_token' },
  },
  {
    name: 'an alg none token is refused',
    path: '/orders',
    token: (f) => unsignedToken(JSON.parse(Buffer.from(f.jwt().split('.')[1]!, 'base64url').toString())),
    status: 401,
    challenge: { error: 'invalid_token' },
  },
  {
    name: 'an HS256 token keyed with the public key is refused',
    path: '/orders',
    token: (f) => hmacWithPublicKey(f.publicJwk(), JSON.parse(Buffer.from(f.jwt().split('.')[1]!, 'base64url').toString())),
    status: 401,
    challenge: { error: 'invalid_token' },
  },
  {
    name: 'a token without the scope gets 403 insufficient_scope naming it',
    path: '/orders',
    token: (f) => f.jwt({ scope: 'orders:write' }),
    status: 403,
    challenge: { error: 'insufficient_scope', scope: 'orders:read' },
  },
  {
    name: 'a scope expression names the closest missing alternative',
    path: '/orders/export',
    token: (f) => f.jwt({ scope: 'orders:read' }),
    status: 403,
    challenge: { error: 'insufficient_scope', scope: 'orders:read orders:export' },
  },
  {
    name: 'a scope expression is satisfied by either alternative',
    path: '/orders/export',
    token: (f) => f.jwt({ scope: 'orders:read admin' }),
    status: 200,
  },
  {
    name: 'a step-up route refuses a weaker acr with an RFC 9470 challenge',
    path: '/step-up',
    token: (f) => f.jwt({ acr: passwordAcr, auth_time: f.now() - 10 }),
    status: 401,
    challenge: { error: 'insufficient_user_authentication', acr_values: mfaAcr, max_age: '300' },
  },
  {
    name: 'a step-up route refuses an authentication older than max_age',
    path: '/step-up',
    token: (f) => f.jwt({ acr: mfaAcr, auth_time: f.now() - 3600 }),
    status: 401,
    challenge: { error: 'insufficient_user_authentication', max_age: '300' },
  },
  {
    name: 'a step-up route accepts a fresh strong authentication',
    path: '/step-up',
    token: (f) => f.jwt({ acr: mfaAcr, auth_time: f.now() - 10 }),
    status: 200,
  },
];

/** Parameters of a `Bearer` challenge (RFC 7235 §2.1 auth-params, quoted strings unescaped). */
export function parseChallenge(header: string | null | undefined): Record<string, string> | undefined {
  if (!header?.startsWith('Bearer')) return undefined;
  const params: Record<string, string> = {};
  for (const match of header.matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) params[match[1]!] = match[2]!.replace(/\\(.)/g, '$1');
  return params;
}

export interface EnforcementTarget {
  factory: TokenFactory;
  /** Sends GET `path` with this Authorization header (or none) and returns status and the challenge header. */
  request(path: string, authorization: string | undefined): Promise<{ status: number; challenge: string | null | undefined }>;
  close(): Promise<void>;
}

/** Registers one test per enforcement case against a target (an adapter or the gateway). */
export function describeEnforcement(title: string, start: () => Promise<EnforcementTarget>): void {
  describe(title, () => {
    let target: EnforcementTarget;
    before(async () => {
      target = await start();
    });
    after(async () => target?.close());
    for (const check of enforcementCases) {
      it(check.name, async () => {
        const token = check.token(target.factory);
        const { status, challenge } = await target.request(check.path, token === undefined ? undefined : `Bearer ${token}`);
        assert.equal(status, check.status);
        if (check.challenge) {
          const params = parseChallenge(challenge);
          assert.ok(params, `expected a Bearer challenge, got ${challenge}`);
          if (!('error' in check.challenge)) assert.equal(params.error, undefined);
          for (const [name, value] of Object.entries(check.challenge)) assert.equal(params[name], value, `challenge ${name}`);
        }
      });
    }
  });
}

/** A verifier-ready issuer for in-process adapter tests: the same clock and fetch for both sides. */
export function adapterFixture(): {
  issuer: TestIssuer;
  factory: TokenFactory;
  verifierOptions: { issuer: string; audience: string; fetch: Fetch; clock: () => number };
} {
  const issuer = new TestIssuer();
  return {
    issuer,
    factory: issuerTokenFactory(issuer),
    verifierOptions: { issuer: issuer.issuer, audience: suiteApi, fetch: issuer.fetch, clock: issuer.clock.clock },
  };
}
