import { type AcceptedTokens, parseScopeExpression, ScopeExpressionError } from '@portcullis/sdk';
import { GatewayConfigError, Reader } from './reader.ts';
import {
  type CorsSettings,
  type GatewaySettings,
  gatewayDefaults,
  type OpenApiSource,
  type RateLimitSettings,
  type RouteSettings,
} from './settings.ts';

const tokenKinds = ['jwt', 'opaque', 'any'] as const;
const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];
const headerName = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** Set by the gateway itself; a route must not claim them. */
const reservedHeaders = new Set(['authorization', 'host', 'connection', 'content-length', 'transfer-encoding', 'cookie']);
const pathPattern = /^\/(?:(?::[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9\-._~!$&'()+,;=@%]+)(?:\/|$))*(?:\*)?$/;

function rateLimit(reader: Reader, key: string): RateLimitSettings | false | undefined {
  const raw = reader.raw(key);
  if (raw === undefined) return undefined;
  if (raw === false) return false;
  const section = reader.section(key)!;
  const settings = { requests: section.integer('requests', 0, 1), window: section.integer('window', 60, 1) };
  section.rejectUnknown();
  return settings;
}

function claimHeaders(reader: Reader): Record<string, string> {
  const headers = reader.stringMap('headers');
  const normalised: Record<string, string> = {};
  for (const [name, claim] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!headerName.test(lower) || reservedHeaders.has(lower)) reader.fail(`headers.${name}`, 'is not a header a route may set');
    normalised[lower] = claim;
  }
  return normalised;
}

function scopeOf(reader: Reader): string | undefined {
  const scope = reader.string('scope');
  if (scope === undefined) return undefined;
  try {
    parseScopeExpression(scope);
  } catch (error) {
    if (error instanceof ScopeExpressionError) reader.fail('scope', error.message);
    throw error;
  }
  return scope;
}

function route(
  reader: Reader,
  defaults: { audience?: readonly string[]; token: AcceptedTokens },
  hasIntrospection: boolean,
): RouteSettings {
  const path = reader.requiredString('path');
  if (!pathPattern.test(path)) reader.fail('path', 'must start with / and use literal or :param segments, with an optional final *');
  const methods = reader.strings('methods')?.map((m) => m.toUpperCase()) ?? '*';
  if (methods !== '*') for (const m of methods) if (!httpMethods.includes(m)) reader.fail('methods', `${m} is not an HTTP method`);
  const auth = reader.oneOf('auth', ['none', 'required'], 'required');
  const audience = reader.strings('audience') ?? defaults.audience;
  if (auth === 'required' && !audience?.length) reader.fail('audience', 'is required for a route with auth (or set gateway.audience)');
  const token = reader.oneOf('token', tokenKinds, defaults.token);
  if (auth === 'required' && token !== 'jwt' && !hasIntrospection) reader.fail('token', `${token} tokens need gateway.introspection`);
  const settings: RouteSettings = {
    name: reader.string('name', `${methods === '*' ? '*' : methods.join(',')} ${path}`),
    methods,
    path,
    upstream: reader.url('upstream', true),
    auth,
    audience: audience ?? [],
    token,
    headers: claimHeaders(reader),
  };
  const scope = scopeOf(reader);
  if (scope !== undefined) settings.scope = scope;
  const acr = reader.strings('acr');
  if (acr) settings.acr = acr;
  const maxAge = reader.optionalInteger('max_age');
  if (maxAge !== undefined) settings.max_age = maxAge;
  const limit = rateLimit(reader, 'rate_limit');
  if (limit !== undefined) settings.rate_limit = limit;
  if (auth === 'none' && (scope || acr || maxAge !== undefined || Object.keys(settings.headers).length)) {
    reader.fail('auth', 'a public route (auth: none) cannot have scope, acr, max_age or headers');
  }
  reader.rejectUnknown();
  return settings;
}

function openapiSource(
  reader: Reader,
  defaults: { audience?: readonly string[]; token: AcceptedTokens },
  hasIntrospection: boolean,
): OpenApiSource {
  const audience = reader.strings('audience') ?? defaults.audience;
  if (!audience?.length) reader.fail('audience', 'is required (or set gateway.audience)');
  const source: OpenApiSource = {
    document: reader.requiredString('document'),
    upstream: reader.url('upstream', true),
    audience,
    token: reader.oneOf('token', tokenKinds, defaults.token),
    headers: claimHeaders(reader),
    path_prefix: reader.string('path_prefix', '').replace(/\/+$/, ''),
  };
  if (source.token !== 'jwt' && !hasIntrospection) reader.fail('token', `${source.token} tokens need gateway.introspection`);
  reader.rejectUnknown();
  return source;
}

function cors(reader: Reader | undefined): CorsSettings | undefined {
  if (!reader) return undefined;
  const d = gatewayDefaults.cors;
  const settings: CorsSettings = {
    origins: reader.strings('origins') ?? reader.fail('origins', 'is required'),
    methods: reader.strings('methods')?.map((m) => m.toUpperCase()) ?? d.methods,
    headers: reader.strings('headers')?.map((h) => h.toLowerCase()) ?? d.headers,
    expose_headers: reader.strings('expose_headers')?.map((h) => h.toLowerCase()) ?? d.expose_headers,
    credentials: reader.boolean('credentials', d.credentials),
    max_age: reader.integer('max_age', d.max_age),
  };
  // Fetch standard: a wildcard origin never goes with credentials.
  if (settings.credentials && settings.origins.includes('*')) reader.fail('origins', '* cannot be combined with credentials: true');
  reader.rejectUnknown();
  return settings;
}

/**
 * Validates the `gateway:` section of a Portcullis config file (plus the file's top-level
 * `redis`, used when the section has none) and returns it frozen, with defaults filled in.
 * Errors name the key path.
 */
export function parseGatewaySettings(raw: unknown, context: { redis?: string; logLevel?: string } = {}): GatewaySettings {
  if (raw === undefined) throw new GatewayConfigError('gateway: the config file has no gateway section');
  const reader = new Reader(raw, 'gateway');
  const d = gatewayDefaults;
  const introspectionReader = reader.section('introspection');
  let introspection: GatewaySettings['introspection'];
  if (introspectionReader) {
    introspection = {
      client_id: introspectionReader.requiredString('client_id'),
      client_secret: introspectionReader.requiredString('client_secret'),
      cache_ttl: introspectionReader.integer('cache_ttl', d.introspection.cache_ttl),
      negative_cache_ttl: introspectionReader.integer('negative_cache_ttl', d.introspection.negative_cache_ttl),
    };
    const endpoint = introspectionReader.url('endpoint');
    if (endpoint) introspection.endpoint = endpoint;
    introspectionReader.rejectUnknown();
  }
  const audience = reader.strings('audience');
  const defaults = { audience, token: (introspection ? 'any' : 'jwt') as AcceptedTokens };
  const section = (key: string) => reader.section(key);
  const jwks = section('jwks');
  const cache = section('cache');
  const limits = section('limits');
  const upstream = section('upstream');
  const metrics = section('metrics');
  const log = section('log');
  const settings: GatewaySettings = {
    host: reader.string('host', d.host),
    port: reader.integer('port', d.port, 0, 65535),
    issuer: reader.url('issuer', true),
    clock_skew: reader.integer('clock_skew', d.clock_skew, 0, 300),
    acr_levels: reader.strings('acr_levels') ?? [],
    jwks: {
      cooldown: jwks?.integer('cooldown', d.jwks.cooldown, 1) ?? d.jwks.cooldown,
      max_age: jwks?.integer('max_age', d.jwks.max_age, 1) ?? d.jwks.max_age,
    },
    cache: {
      verified_jwt: cache?.boolean('verified_jwt', d.cache.verified_jwt) ?? d.cache.verified_jwt,
      max_entries: cache?.integer('max_entries', d.cache.max_entries) ?? d.cache.max_entries,
    },
    limits: { body_size: limits?.integer('body_size', d.limits.body_size, 0) ?? d.limits.body_size },
    upstream: {
      connections: upstream?.integer('connections', d.upstream.connections, 1) ?? d.upstream.connections,
      pipelining: upstream?.integer('pipelining', d.upstream.pipelining, 1) ?? d.upstream.pipelining,
      keep_alive_timeout: upstream?.integer('keep_alive_timeout', d.upstream.keep_alive_timeout, 1) ?? d.upstream.keep_alive_timeout,
      timeout: upstream?.integer('timeout', d.upstream.timeout, 1) ?? d.upstream.timeout,
    },
    metrics: {
      enabled: metrics?.boolean('enabled', d.metrics.enabled) ?? d.metrics.enabled,
      path: metrics?.string('path', d.metrics.path) ?? d.metrics.path,
    },
    log: {
      level: log?.oneOf('level', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info') ?? context.logLevel ?? d.log.level,
      requests: log?.boolean('requests', d.log.requests) ?? d.log.requests,
    },
    routes: reader.list('routes').map((r) => route(r, defaults, introspection !== undefined)),
    openapi: reader.list('openapi').map((o) => openapiSource(o, defaults, introspection !== undefined)),
  };
  for (const s of [jwks, cache, limits, upstream, metrics, log]) s?.rejectUnknown();
  if (audience) settings.audience = audience;
  if (introspection) settings.introspection = introspection;
  const corsSettings = cors(section('cors'));
  if (corsSettings) settings.cors = corsSettings;
  const limit = rateLimit(reader, 'rate_limit');
  if (limit) settings.rate_limit = limit;
  const redis = reader.string('redis') ?? context.redis;
  if (redis) settings.redis = redis;
  if (!settings.routes.length && !settings.openapi.length) reader.fail('routes', 'at least one route or openapi document is required');
  reader.rejectUnknown();
  return deepFreeze(settings);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
