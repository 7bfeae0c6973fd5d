/** Latency and throughput of an async operation, measured in this process. */

export interface Measurement {
  /** Operations timed. */
  count: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  mean: number;
  /** Operations per second. */
  throughput: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/**
 * Latency: `op(i)` one at a time for `iterations` (or until `maxMs`), each timed. Throughput:
 * `concurrency` callers in flight for `durationMs`. `op` receives a counter to pick its input.
 */
export async function measure(
  op: (i: number) => Promise<unknown>,
  options: { iterations: number; maxMs: number; concurrency: number; durationMs: number; warmup?: number },
): Promise<Measurement> {
  let counter = 0;
  for (let i = 0; i < (options.warmup ?? 0); i++) await op(counter++);
  const times = new Float64Array(options.iterations);
  let count = 0;
  const deadline = performance.now() + options.maxMs;
  while (count < options.iterations && performance.now() < deadline) {
    const started = performance.now();
    await op(counter++);
    times[count++] = performance.now() - started;
  }
  const sorted = times.slice(0, count).sort();
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, count);

  let done = 0;
  const end = performance.now() + options.durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < end) {
        await op(counter++);
        done++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { count, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean, throughput: done / elapsed };
}
