/**
 * The load generator: autocannon in this (the parent) process, bounded in time twice over
 * (autocannon's own duration, and a watchdog that stops it if it overruns).
 */
import autocannon, { type Result } from 'autocannon';
import type { LoadRequest } from './targets.ts';

export interface LoadSettings {
  connections: number;
  pipelining: number;
  /** Seconds. */
  duration: number;
  /** Per-request timeout, seconds. */
  timeout: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; average: number; max: number };
  completed: number;
  ok: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Seconds the run actually lasted. */
  duration: number;
  /** Load generator CPU (this process), as a fraction of one core. */
  loadGeneratorCpu: number;
}

export async function runLoad(request: LoadRequest, settings: LoadSettings): Promise<LoadResult> {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const instance = autocannon({
    url: request.url,
    method: request.method,
    headers: request.headers,
    body: request.body,
    connections: settings.connections,
    pipelining: settings.pipelining,
    duration: settings.duration,
    timeout: settings.timeout,
  });
  const watchdog = setTimeout(() => instance.stop(), (settings.duration + settings.timeout + 5) * 1000);
  let result: Result;
  try {
    result = await instance;
  } finally {
    clearTimeout(watchdog);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const wallSeconds = (performance.now() - wallBefore) / 1000;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  return {
    requestsPerSecond: result.requests.average,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      average: result.latency.average,
      max: result.latency.max,
    },
    completed: result.requests.total,
    ok: result['2xx'],
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    duration: result.duration,
    loadGeneratorCpu: (cpu.user + cpu.system) / 1e6 / wallSeconds,
  };
}
