/** One measured run with autocannon, in this process, bounded by a watchdog. */
import autocannon from 'autocannon';

export interface LoadSettings {
  connections: number;
  pipelining: number;
  /** Seconds. */
  duration: number;
}

export interface RunResult {
  rps: number;
  latencyMs: { p50: number; p99: number; average: number };
  requests: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  /** CPU microseconds the proxy process spent per request, when measurable. */
  cpuUsPerRequest?: number;
}

/** Runs the load; `cpu` reads the measured process's CPU seconds before and after. */
export async function measure(
  url: string,
  headers: Record<string, string>,
  settings: LoadSettings,
  cpu?: () => number | undefined,
): Promise<RunResult> {
  const cpuBefore = cpu?.();
  const instance = autocannon({
    url,
    headers,
    connections: settings.connections,
    pipelining: settings.pipelining,
    duration: settings.duration,
    timeout: 10,
  });
  const watchdog = setTimeout(() => instance.stop(), (settings.duration + 15) * 1000);
  try {
    const result = await instance;
    const cpuAfter = cpu?.();
    const cpuUsPerRequest =
      cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total > 0
        ? ((cpuAfter - cpuBefore) * 1e6) / result.requests.total
        : undefined;
    return {
      ...(cpuUsPerRequest !== undefined ? { cpuUsPerRequest } : {}),
      rps: result.requests.average,
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, average: result.latency.average },
      requests: result.requests.total,
      errors: result.errors + result.timeouts + result.non2xx,
    };
  } finally {
    clearTimeout(watchdog);
  }
}
