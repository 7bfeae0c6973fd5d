import type { TupleMirrorStats } from '@portcullis/authz';
import { collectDefaultMetrics, Registry } from 'prom-client';

const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Requests and latency of one route and method, as plain numbers. */
interface RouteSeries {
  method: string;
  route: string;
  byStatus: Map<number, number>;
  /** Observations per bucket (not cumulative), the last one for +Inf. */
  buckets: Float64Array;
  sum: number;
  count: number;
}

interface MetricValue {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/** What prom-client's registry reads from a custom metric: `get()` is called only when scraped. */
interface ScrapedMetric {
  name: string;
  help: string;
  get(): { name: string; help: string; type: MetricType; aggregator: 'sum'; values: MetricValue[] };
}

type MetricType = 'counter' | 'gauge' | 'histogram';

function scraped(name: string, help: string, type: MetricType, values: () => MetricValue[]): ScrapedMetric {
  return { name, help, get: () => ({ name, help, type, aggregator: 'sum', values: values() }) };
}

/**
 * The per-request HTTP metrics, kept in plain numbers and turned into Prometheus series only
 * when scraped: prom-client's labelled children hash their labels on every observation, a
 * cost every request would pay (measured ~3 µs of the introspection endpoint's ~90).
 */
class HttpMetrics {
  readonly #series: RouteSeries[] = [];
  readonly #routes = new Map<string, Map<string, RouteSeries>>();

  /** The observer of one route's requests (`route` is its path pattern, or `unmatched`). */
  observer(route: string): (method: string, status: number, seconds: number) => void {
    let byMethod = this.#routes.get(route);
    if (!byMethod) {
      byMethod = new Map();
      this.#routes.set(route, byMethod);
    }
    const methods = byMethod;
    return (method, status, seconds) => {
      let series = methods.get(method);
      if (!series) {
        series = { method, route, byStatus: new Map(), buckets: new Float64Array(latencyBuckets.length + 1), sum: 0, count: 0 };
        methods.set(method, series);
        this.#series.push(series);
      }
      series.byStatus.set(status, (series.byStatus.get(status) ?? 0) + 1);
      let bucket = 0;
      while (bucket < latencyBuckets.length && seconds > (latencyBuckets[bucket] as number)) bucket++;
      (series.buckets as Float64Array)[bucket] = ((series.buckets as Float64Array)[bucket] as number) + 1;
      series.sum += seconds;
      series.count++;
    };
  }

  /** prom-client custom metric: requests by method, route and status. */
  requests(): ScrapedMetric {
    return scraped('portcullis_http_requests_total', 'HTTP requests by method, route and status', 'counter', () =>
      this.#series.flatMap(({ method, route, byStatus }) =>
        [...byStatus].map(([status, value]) => ({ labels: { method, route, status: String(status) }, value })),
      ),
    );
  }

  /** prom-client custom metric: the latency histogram by method and route. */
  latency(): ScrapedMetric {
    const name = 'portcullis_http_request_duration_seconds';
    return scraped(name, 'HTTP request latency by method and route', 'histogram', () =>
      this.#series.flatMap(({ method, route, buckets, sum, count }) => {
        const values: MetricValue[] = [];
        let cumulative = 0;
        latencyBuckets.forEach((le, i) => {
          cumulative += buckets[i] as number;
          values.push({ metricName: `${name}_bucket`, labels: { le, method, route }, value: cumulative });
        });
        values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf', method, route }, value: count });
        values.push({ metricName: `${name}_sum`, labels: { method, route }, value: sum });
        values.push({ metricName: `${name}_count`, labels: { method, route }, value: count });
        return values;
      }),
    );
  }
}

/** Access tokens issued by grant type and format, as plain numbers (see HttpMetrics). */
class IssuedTokens {
  readonly #counts: Array<{ grant_type: string; format: string; value: number }> = [];

  add(grantType: string, format: string): void {
    // A handful of grant types and two formats: a scan is cheaper than building a key.
    for (const entry of this.#counts) {
      if (entry.grant_type === grantType && entry.format === format) {
        entry.value++;
        return;
      }
    }
    this.#counts.push({ grant_type: grantType, format, value: 1 });
  }

  metric(): ScrapedMetric {
    return scraped('portcullis_tokens_issued_total', 'Access tokens issued by grant type and format', 'counter', () =>
      this.#counts.map(({ grant_type, format, value }) => ({ labels: { grant_type, format }, value })),
    );
  }
}

/** Prometheus metrics of one server: requests per route, latencies, tokens issued per grant. */
export function createMetrics() {
  const registry = new Registry();
  // The event-loop lag histogram samples on a timer: prom-client's default, every 10 ms, kept an
  // idle server's event loop at 0.5–0.9 % of a core; ten samples a second still give its lag.
  collectDefaultMetrics({ register: registry, prefix: 'portcullis_', eventLoopMonitoringPrecision: 100 });
  const http = new HttpMetrics();
  const issued = new IssuedTokens();
  // Custom metric objects: the registry only calls get() when scraped.
  for (const metric of [http.requests(), http.latency(), issued.metric()]) registry.registerMetric(metric as never);
  return {
    registry,
    /** The observer of one route's requests (`route` is its path pattern, or `unmatched`). */
    routeObserver: (route: string) => http.observer(route),
    tokenIssued: (grantType: string, format: string): void => issued.add(grantType, format),
    /** Gauges of the permission stores held in memory, read from `stats` when scraped. */
    permissionsInMemory(stats: () => TupleMirrorStats | undefined): void {
      const current = () => stats() ?? { loading: 0, ready: 0, tuples: 0 };
      registry.registerMetric(
        scraped('portcullis_fga_memory_stores', 'Permission stores held in memory, by state', 'gauge', () => {
          const { loading, ready } = current();
          return [
            { labels: { state: 'loading' }, value: loading },
            { labels: { state: 'ready' }, value: ready },
          ];
        }) as never,
      );
      registry.registerMetric(
        scraped('portcullis_fga_memory_tuples', 'Relationship tuples held in memory', 'gauge', () => [
          { labels: {}, value: current().tuples },
        ]) as never,
      );
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
