/**
 * The slices of two untyped packages that the benchmark uses (neither ships types, and
 * the bench does not need the full DefinitelyTyped packages).
 */

declare module 'autocannon' {
  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
    p99_9?: number;
    [percentile: string]: number | undefined;
  }

  export interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    resets: number;
    '2xx': number;
    statusCodeStats: Record<string, { count: number }>;
    latency: Histogram & { totalCount: number };
    requests: Histogram & { sent: number };
    throughput: Histogram;
  }

  export interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    connections?: number;
    pipelining?: number;
    duration?: number;
    timeout?: number;
    workers?: number;
  }

  export interface Instance extends PromiseLike<Result> {
    stop(): void;
  }

  function autocannon(options: Options): Instance;
  export default autocannon;
}

declare module 'oidc-provider' {
  import type { RequestListener } from 'node:http';

  export const errors: { InvalidTarget: new (description?: string) => Error };

  export interface ProviderClient {
    clientId: string;
  }

  export interface ProviderToken {
    clientId: string;
    resourceServer?: { accessTokenTTL?: number };
  }

  // The configuration is large and documented by the package; the bench passes it through.
  export type Configuration = {
    ttl?: Record<string, (ctx: unknown, token: ProviderToken, client: ProviderClient) => number>;
    features?: {
      introspection?: {
        enabled: boolean;
        allowedPolicy?: (ctx: unknown, client: ProviderClient, token: ProviderToken) => Promise<boolean>;
      };
      resourceIndicators?: {
        enabled: boolean;
        defaultResource?: (ctx: unknown, client: ProviderClient, oneOf?: string) => Promise<string | string[] | undefined>;
        useGrantedResource?: (ctx: unknown, model: unknown) => Promise<boolean>;
        getResourceServerInfo?: (ctx: unknown, resourceIndicator: string, client: ProviderClient) => Promise<Record<string, unknown>>;
      };
      [feature: string]: unknown;
    };
    [setting: string]: unknown;
  };

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    callback(): RequestListener;
  }
}
