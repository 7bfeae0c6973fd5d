import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one server: requests per route, latencies, tokens issued per grant. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'portcullis_' });
  const requests = new Counter({
    name: 'portcullis_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'portcullis_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const tokensIssued = new Counter({
    name: 'portcullis_tokens_issued_total',
    help: 'Access tokens issued by grant type and format',
    labelNames: ['grant_type', 'format'] as const,
    registers: [registry],
  });
  // Resolving label values to a series hashes them on every call; keep the series per key instead.
  const series = new Map<string, { count: ReturnType<typeof requests.labels>; time: ReturnType<typeof latency.labels> }>();
  return {
    registry,
    observeRequest(method: string, route: string, status: number, seconds: number): void {
      const key = `${method} ${route} ${status}`;
      let entry = series.get(key);
      if (!entry) {
        entry = { count: requests.labels(method, route, String(status)), time: latency.labels(method, route) };
        series.set(key, entry);
      }
      entry.count.inc();
      entry.time.observe(seconds);
    },
    tokenIssued(grantType: string, format: string): void {
      tokensIssued.labels(grantType, format).inc();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
