import type { AcceptedTokens, ScopeExpression } from '@portcullis/sdk';

export interface RateLimitSettings {
  /** Requests allowed per client (or per address, on public routes) per window, per route. */
  requests: number;
  /** Window length in seconds. */
  window: number;
}

export interface RouteSettings {
  /** Label in metrics and logs; default `METHODS path`. */
  name: string;
  /** Upper-case methods, or every method. */
  methods: readonly string[] | '*';
  /** `/orders/:id`; a last segment `*` matches the rest of the path. */
  path: string;
  /** Origin (and optional base path) requests are forwarded to. */
  upstream: string;
  auth: 'none' | 'required';
  audience: readonly string[];
  scope?: string | ScopeExpression;
  token: AcceptedTokens;
  acr?: readonly string[];
  max_age?: number;
  /** Request header name → claim (dotted path) injected upstream. */
  headers: Readonly<Record<string, string>>;
  rate_limit?: RateLimitSettings | false;
}

export interface OpenApiSource {
  /** Path of the OpenAPI 3 document (YAML or JSON), relative to the working directory. */
  document: string;
  upstream: string;
  audience: readonly string[];
  token: AcceptedTokens;
  headers: Readonly<Record<string, string>>;
  /** Prepended to every path of the document (its `servers` are not used). */
  path_prefix: string;
}

export interface CorsSettings {
  /** Allowed origins, or `*`. */
  origins: readonly string[];
  methods: readonly string[];
  headers: readonly string[];
  expose_headers: readonly string[];
  credentials: boolean;
  max_age: number;
}

/** The validated, frozen `gateway:` section. */
export interface GatewaySettings {
  host: string;
  port: number;
  issuer: string;
  audience?: readonly string[];
  introspection?: { client_id: string; client_secret: string; cache_ttl: number; negative_cache_ttl: number; endpoint?: string };
  clock_skew: number;
  acr_levels: readonly string[];
  jwks: { cooldown: number; max_age: number };
  cache: { verified_jwt: boolean; max_entries: number };
  limits: { body_size: number };
  upstream: { connections: number; pipelining: number; keep_alive_timeout: number; timeout: number };
  cors?: CorsSettings;
  rate_limit?: RateLimitSettings;
  redis?: string;
  metrics: { enabled: boolean; path: string };
  log: { level: string; requests: boolean };
  routes: readonly RouteSettings[];
  openapi: readonly OpenApiSource[];
}

/** Every default of the `gateway:` section, in one place, with why. */
export const gatewayDefaults = {
  host: '127.0.0.1',
  port: 8080,
  /** Small: enough for drifting clocks, too little to matter for revocation. */
  clock_skew: 10,
  introspection: {
    /** A revoked opaque token stays usable at most this long (seconds). 0 turns the cache off. */
    cache_ttl: 30,
    negative_cache_ttl: 5,
  },
  jwks: { cooldown: 30, max_age: 300 },
  cache: { verified_jwt: true, max_entries: 100_000 },
  /** Bytes; beyond it the gateway answers 413 and does not forward. */
  limits: { body_size: 1_048_576 },
  upstream: {
    /** Keep-alive connections per upstream origin. */
    connections: 128,
    pipelining: 1,
    /** Seconds an idle upstream connection is kept. */
    keep_alive_timeout: 60,
    /** Seconds to wait for upstream response headers (504 beyond). */
    timeout: 30,
  },
  cors: {
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    headers: ['authorization', 'content-type', 'dpop'],
    /** Browsers hide other headers from scripts: the challenge must be readable for step-up. */
    expose_headers: ['www-authenticate'],
    credentials: false,
    max_age: 600,
  },
  metrics: { enabled: true, path: '/metrics' },
  log: { level: 'info', requests: false },
} as const;
