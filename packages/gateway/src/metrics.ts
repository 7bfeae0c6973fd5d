import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Why a request was refused or let through; the `reason` label of decisions. */
export type DecisionReason =
  | 'public'
  | 'token'
  | 'missing_token'
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'insufficient_user_authentication'
  | 'temporarily_unavailable'
  | 'rate_limited'
  | 'payload_too_large'
  | 'no_route'
  | 'bad_path';

/** Counters bound to one route's labels once, so the hot path does no label hashing. */
export interface RouteMetrics {
  decision(reason: DecisionReason): void;
  latency(seconds: number): void;
  upstreamError(kind: string): void;
}

/** The gateway's Prometheus metrics, in their own registry (served at `/metrics`). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #decisions = new Counter({
    name: 'portcullis_gateway_decisions_total',
    help: 'Requests by route and decision (allowed or denied) with the reason.',
    labelNames: ['route', 'decision', 'reason'] as const,
    registers: [this.registry],
  });
  readonly #latency = new Histogram({
    name: 'portcullis_gateway_request_duration_seconds',
    help: 'Time from request to response, by route (includes the upstream).',
    labelNames: ['route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly #cache = new Counter({
    name: 'portcullis_gateway_token_cache_lookups_total',
    help: 'Token cache lookups by cache (jwt: verified JWTs, introspection: introspection answers) and result.',
    labelNames: ['cache', 'result'] as const,
    registers: [this.registry],
  });
  readonly #upstreamErrors = new Counter({
    name: 'portcullis_gateway_upstream_errors_total',
    help: 'Requests that failed at the upstream (connection, timeout, reset), by route and kind.',
    labelNames: ['route', 'kind'] as const,
    registers: [this.registry],
  });
  readonly jwksFetches = new Counter({
    name: 'portcullis_gateway_jwks_fetches_total',
    help: 'JWKS fetch attempts.',
    registers: [this.registry],
  });
  readonly introspections = new Counter({
    name: 'portcullis_gateway_introspections_total',
    help: 'Introspection requests sent to the issuer.',
    registers: [this.registry],
  });
  readonly rateLimitErrors = new Counter({
    name: 'portcullis_gateway_rate_limit_errors_total',
    help: 'Rate-limit checks that failed (Redis unreachable); such requests are let through.',
    registers: [this.registry],
  });
  readonly #lookups = { jwt: { hit: 0, miss: 0 }, introspection: { hit: 0, miss: 0 } };
  readonly #cacheChildren = {
    jwt: { hit: this.#cache.labels('jwt', 'hit'), miss: this.#cache.labels('jwt', 'miss') },
    introspection: { hit: this.#cache.labels('introspection', 'hit'), miss: this.#cache.labels('introspection', 'miss') },
  };

  constructor() {
    const lookups = this.#lookups;
    new Gauge({
      name: 'portcullis_gateway_token_cache_hit_ratio',
      help: 'Hits over lookups since start, by cache.',
      labelNames: ['cache'] as const,
      registers: [this.registry],
      collect() {
        for (const cache of ['jwt', 'introspection'] as const) {
          const { hit, miss } = lookups[cache];
          this.set({ cache }, hit + miss === 0 ? 0 : hit / (hit + miss));
        }
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'portcullis_gateway_' });
  }

  cacheLookup(cache: 'jwt' | 'introspection', hit: boolean): void {
    const result = hit ? 'hit' : 'miss';
    this.#lookups[cache][result]++;
    this.#cacheChildren[cache][result].inc();
  }

  readonly #routes = new Map<string, RouteMetrics>();

  /** Instruments for one route, label children created lazily and kept (across reloads too). */
  route(route: string): RouteMetrics {
    let metrics = this.#routes.get(route);
    if (!metrics) {
      metrics = this.#bind(route);
      this.#routes.set(route, metrics);
    }
    return metrics;
  }

  #bind(route: string): RouteMetrics {
    const decisions = new Map<DecisionReason, () => void>();
    const latency = this.#latency.labels(route);
    return {
      decision: (reason) => {
        let inc = decisions.get(reason);
        if (!inc) {
          const child = this.#decisions.labels(route, reason === 'public' || reason === 'token' ? 'allowed' : 'denied', reason);
          inc = () => child.inc();
          decisions.set(reason, inc);
        }
        inc();
      },
      latency: (seconds) => latency.observe(seconds),
      upstreamError: (kind) => this.#upstreamErrors.labels(route, kind).inc(),
    };
  }
}
