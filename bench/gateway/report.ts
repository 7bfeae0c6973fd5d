/** Summaries, target checks and the printed table of a gateway benchmark. */
import type { RunResult } from './load.ts';

export interface TargetSummary {
  id: string;
  description: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Median CPU microseconds per request of the measured process. */
  cpuUsPerRequest?: number;
  runs: RunResult[];
}

export interface Check {
  name: string;
  target: string;
  value: number;
  pass: boolean;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export function summarise(id: string, description: string, runs: RunResult[]): TargetSummary {
  const cpu = runs.map((r) => r.cpuUsPerRequest).filter((v): v is number => v !== undefined);
  return {
    ...(cpu.length === runs.length && cpu.length > 0 ? { cpuUsPerRequest: median(cpu) } : {}),
    id,
    description,
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.latencyMs.p50)),
    p99: median(runs.map((r) => r.latencyMs.p99)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    runs,
  };
}

/** Median over rounds of a per-round ratio, so drift between rounds cancels out. */
export function pairedRatio(a: TargetSummary, b: TargetSummary, pick: (r: RunResult) => number): number {
  const n = Math.min(a.runs.length, b.runs.length);
  return median(Array.from({ length: n }, (_, i) => pick(a.runs[i]!) / pick(b.runs[i]!)));
}

export function pairedDifference(a: TargetSummary, b: TargetSummary, pick: (r: RunResult) => number): number {
  const n = Math.min(a.runs.length, b.runs.length);
  return median(Array.from({ length: n }, (_, i) => pick(a.runs[i]!) - pick(b.runs[i]!)));
}

export function table(summaries: TargetSummary[], ceiling: TargetSummary | undefined): string {
  const rows = summaries.map((s) => [
    s.id,
    s.rps.toFixed(0),
    ceiling ? `${((pairedRatio(s, ceiling, (r) => r.rps) || 0) * 100).toFixed(1)}%` : '',
    s.p50.toFixed(2),
    s.p99.toFixed(2),
    s.cpuUsPerRequest === undefined ? '' : s.cpuUsPerRequest.toFixed(0),
    ceiling && s.cpuUsPerRequest !== undefined
      ? `${(pairedRatio(ceiling, s, (r) => r.cpuUsPerRequest ?? Number.NaN) * 100).toFixed(1)}%`
      : '',
    String(s.errors),
    s.description,
  ]);
  const header = ['target', 'req/s', 'vs ceiling', 'p50 ms', 'p99 ms', 'cpu us/req', 'cpu vs ceiling', 'errors', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 8 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function checksTable(checks: Check[]): string {
  return checks.map((c) => `${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.value.toFixed(3)}`).join('\n');
}
