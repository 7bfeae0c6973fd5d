import { AccessTokenVerifier, type Clock, type Fetch } from '@portcullis/sdk';
import type { GatewaySettings, RouteSettings } from './config/settings.ts';
import { CorsPolicy } from './cors.ts';
import type { GatewayMetrics } from './metrics.ts';
import { loadOpenApiDocument, routesFromOpenApi } from './openapi/import.ts';
import { compileRoute } from './routes/compiled-route.ts';
import { RouteTable } from './routes/route-table.ts';

/** Everything a request reads, built from one version of the settings and swapped whole on reload. */
export interface GatewayState {
  settings: GatewaySettings;
  verifier: AccessTokenVerifier;
  table: RouteTable;
  cors: CorsPolicy | undefined;
  /** Every header any route injects: stripped from every client request, so none can be forged. */
  injectedHeaders: readonly string[];
}

export interface StateDeps {
  metrics: GatewayMetrics;
  clock?: Clock;
  fetch?: Fetch;
}

/** The settings that shape the verifier; when they are unchanged a reload keeps it, and its caches. */
function verifierKey(settings: GatewaySettings): string {
  const { issuer, audience, introspection, clock_skew, acr_levels, jwks, cache } = settings;
  return JSON.stringify({ issuer, audience, introspection, clock_skew, acr_levels, jwks, cache });
}

function createGatewayVerifier(settings: GatewaySettings, deps: StateDeps): AccessTokenVerifier {
  const { metrics } = deps;
  return new AccessTokenVerifier({
    issuer: settings.issuer,
    ...(settings.audience ? { audience: settings.audience } : {}),
    // The gateway swaps opaque tokens for the signed introspection answer: it must ask for JWTs.
    ...(settings.introspection ? { introspection: { ...settings.introspection, jwt_response: true } } : {}),
    clock_skew: settings.clock_skew,
    acr_levels: settings.acr_levels,
    jwks: settings.jwks,
    cache: settings.cache,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    events: {
      cache: (cache, hit) => metrics.cacheLookup(cache, hit),
      jwksFetch: () => metrics.jwksFetches.inc(),
      introspection: () => metrics.introspections.inc(),
    },
  });
}

/** Routes from the file, then those imported from each OpenAPI document. */
export function allRoutes(settings: GatewaySettings): RouteSettings[] {
  return [
    ...settings.routes,
    ...settings.openapi.flatMap((source, i) =>
      routesFromOpenApi(loadOpenApiDocument(source.document, `gateway.openapi[${i}]`), source, `gateway.openapi[${i}]`),
    ),
  ];
}

/** Builds a state; throws (leaving the previous one in force) when a document or rule is invalid. */
export function buildState(settings: GatewaySettings, deps: StateDeps, previous?: GatewayState): GatewayState {
  const verifier =
    previous && verifierKey(previous.settings) === verifierKey(settings) ? previous.verifier : createGatewayVerifier(settings, deps);
  const routes = allRoutes(settings);
  const table = new RouteTable(
    routes.map((route) =>
      compileRoute(route, {
        verifier,
        metrics: (name) => deps.metrics.route(name),
        ...(settings.rate_limit ? { defaultRateLimit: settings.rate_limit } : {}),
      }),
    ),
  );
  return {
    settings,
    verifier,
    table,
    cors: settings.cors ? new CorsPolicy(settings.cors) : undefined,
    injectedHeaders: [...new Set(routes.flatMap((route) => Object.keys(route.headers)))],
  };
}
