import type { AccessTokenVerifier, CompiledRequirement } from '@portcullis/sdk';
import type { RateLimitSettings, RouteSettings } from '../config/settings.ts';
import type { RouteMetrics } from '../metrics.ts';
import { compilePathPattern, type PathPattern } from './path-pattern.ts';

/** A route ready for requests: pattern, requirement and header rules parsed once. */
export interface CompiledRoute {
  settings: RouteSettings;
  name: string;
  /** Undefined: every method. */
  methods: ReadonlySet<string> | undefined;
  pattern: PathPattern;
  /** `http://host:port` and the base path prepended to forwarded paths. */
  upstreamOrigin: string;
  upstreamBase: string;
  requirement: CompiledRequirement | undefined;
  /** Header → claim path (`sub`, `token_introspection.sub`, `address.country`). */
  claimHeaders: ReadonlyArray<readonly [string, readonly string[]]>;
  rateLimit: RateLimitSettings | undefined;
  metrics: RouteMetrics;
}

export function compileRoute(
  settings: RouteSettings,
  deps: { verifier: AccessTokenVerifier; metrics: (name: string) => RouteMetrics; defaultRateLimit?: RateLimitSettings },
): CompiledRoute {
  const upstream = new URL(settings.upstream);
  const methods = settings.methods === '*' ? undefined : new Set(settings.methods);
  // HEAD is GET without a body (RFC 9110 §9.3.2): a GET route answers it too.
  if (methods?.has('GET')) methods.add('HEAD');
  return {
    settings,
    name: settings.name,
    methods,
    pattern: compilePathPattern(settings.path),
    upstreamOrigin: upstream.origin,
    upstreamBase: upstream.pathname.replace(/\/+$/, ''),
    requirement:
      settings.auth === 'required'
        ? deps.verifier.compile({
            ...(settings.scope !== undefined ? { scope: settings.scope } : {}),
            ...(settings.acr ? { acr: settings.acr } : {}),
            ...(settings.max_age !== undefined ? { max_age: settings.max_age } : {}),
          })
        : undefined,
    claimHeaders: Object.entries(settings.headers).map(([header, claim]) => [header, claim.split('.')] as const),
    rateLimit: settings.rate_limit === false ? undefined : (settings.rate_limit ?? deps.defaultRateLimit),
    metrics: deps.metrics(settings.name),
  };
}
