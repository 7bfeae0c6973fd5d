/**
 * The load generator: autocannon in this (the parent) process, bounded in time twice over
 * (autocannon's own duration, and a watchdog that stops it if it overruns).
 */
import autocannon, { type Result } from 'autocannon';
import { median } from './report.ts';
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

/**
 * One result from the short runs (slices) of one server in a round: counts and time add up,
 * req/s is requests over time, latency percentiles are the slices' medians (autocannon gives
 * percentiles, not histograms), and the maximum is the largest.
 */
export function combineSlices(slices: readonly LoadResult[]): LoadResult {
  const sum = (pick: (r: LoadResult) => number) => slices.reduce((total, r) => total + pick(r), 0);
  const middle = (pick: (r: LoadResult) => number) => median(slices.map(pick));
  const completed = sum((r) => r.completed);
  const duration = sum((r) => r.duration);
  const statusCodes: Record<string, number> = {};
  for (const slice of slices)
    for (const [code, count] of Object.entries(slice.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  return {
    requestsPerSecond: duration > 0 ? completed / duration : 0,
    latencyMs: {
      p50: middle((r) => r.latencyMs.p50),
      p90: middle((r) => r.latencyMs.p90),
      p99: middle((r) => r.latencyMs.p99),
      average: completed > 0 ? sum((r) => r.latencyMs.average * r.completed) / completed : 0,
      max: Math.max(0, ...slices.map((r) => r.latencyMs.max)),
    },
    completed,
    ok: sum((r) => r.ok),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx: sum((r) => r.non2xx),
    statusCodes,
    duration,
    loadGeneratorCpu: duration > 0 ? sum((r) => r.loadGeneratorCpu * r.duration) / duration : 0,
  };
}
