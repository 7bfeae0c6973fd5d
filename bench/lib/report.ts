/** Aggregates the interleaved runs into per-target medians, the acceptance ratios and a table. */
import type { LoadResult } from './load.ts';
import type { RatioCheck, Target } from './targets.ts';

export interface RunRecord {
  round: number;
  /** Position in the round's order. */
  slot: number;
  target: string;
  startupMs?: number;
  /** Server child CPU during the measured window, as a fraction of one core. */
  serverCpu?: number;
  /** Server CPU microseconds per completed request (less noisy than req/s on a shared box). */
  serverCpuUsPerRequest?: number;
  /** CPU used by everything else on the machine during the window, in cores. */
  otherCpu?: number;
  result?: LoadResult;
  /** Set when the run failed (startup, check, crash): the run counts as errors. */
  failure?: string;
}

export interface TargetSummary {
  id: string;
  label: string;
  runs: number;
  failedRuns: number;
  requestsPerSecond: { median: number; min: number; max: number; all: number[] };
  latencyMs: { p50: number; p99: number };
  serverCpu?: number;
  serverCpuUsPerRequest?: number;
  loadGeneratorCpu?: number;
  otherCpu?: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

export interface RatioResult extends RatioCheck {
  /**
   * The median of the rounds' ratios, each the numerator's req/s over the denominator's run
   * beside it (neighbours in the run order): what the check passes or fails on.
   */
  ratio: number | undefined;
  /** Ratio of the two targets' median req/s (the check's statistic until 2026-11-24). */
  ratioOfMedians: number | undefined;
  /** Each round's ratio, to show how stable it is. */
  perRound: number[];
  /** Denominator's CPU µs/req over the numerator's: the req/s ratio on an uncontended core. */
  cpuCostRatio: number | undefined;
  /** The numerator's req/s the check needs (min × the denominator's median). */
  neededRate: number | undefined;
  /** neededRate over the bound's median req/s: above 1, no implementation on this stack could pass. */
  neededShareOfBound: number | undefined;
  pass: boolean;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function optionalMedian(values: Array<number | undefined>): number | undefined {
  const present = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return present.length ? median(present) : undefined;
}

export function summarise(targets: readonly Target[], runs: RunRecord[]): TargetSummary[] {
  return targets
    .map((target) => {
      const mine = runs.filter((r) => r.target === target.id);
      const measured = mine.filter((r): r is RunRecord & { result: LoadResult } => r.result !== undefined && r.failure === undefined);
      const rps = measured.map((r) => r.result.requestsPerSecond);
      const sum = (pick: (r: LoadResult) => number) => mine.reduce((total, r) => total + (r.result ? pick(r.result) : 0), 0);
      return {
        id: target.id,
        label: target.label,
        runs: mine.length,
        failedRuns: mine.filter((r) => r.failure !== undefined).length,
        requestsPerSecond: { median: median(rps), min: Math.min(...rps), max: Math.max(...rps), all: rps },
        latencyMs: { p50: median(measured.map((r) => r.result.latencyMs.p50)), p99: median(measured.map((r) => r.result.latencyMs.p99)) },
        serverCpu: optionalMedian(measured.map((r) => r.serverCpu)),
        serverCpuUsPerRequest: optionalMedian(measured.map((r) => r.serverCpuUsPerRequest)),
        loadGeneratorCpu: optionalMedian(measured.map((r) => r.result.loadGeneratorCpu)),
        otherCpu: optionalMedian(measured.map((r) => r.otherCpu)),
        errors: sum((r) => r.errors),
        timeouts: sum((r) => r.timeouts),
        non2xx: sum((r) => r.non2xx),
      };
    })
    .filter((s) => s.runs > 0);
}

export function ratios(checks: readonly RatioCheck[], summaries: TargetSummary[], runs: RunRecord[]): RatioResult[] {
  const byId = new Map(summaries.map((s) => [s.id, s]));
  const rounds = [...new Set(runs.map((r) => r.round))];
  return checks
    .filter((check) => byId.has(check.numerator) && byId.has(check.denominator))
    .map((check) => {
      const top = byId.get(check.numerator)?.requestsPerSecond.median ?? Number.NaN;
      const bottom = byId.get(check.denominator)?.requestsPerSecond.median ?? Number.NaN;
      const ratioOfMedians = Number.isFinite(top) && Number.isFinite(bottom) && bottom > 0 ? top / bottom : undefined;
      const perRound = rounds.flatMap((round) => {
        const rps = (id: string) => runs.find((r) => r.round === round && r.target === id && !r.failure)?.result?.requestsPerSecond;
        const a = rps(check.numerator);
        const b = rps(check.denominator);
        return a !== undefined && b ? [a / b] : [];
      });
      // A pair's two runs are seconds apart; two medians may come from different moments of a
      // machine whose speed drifts (40 % within one run here), which pairs cancel.
      const ratio = perRound.length ? median(perRound) : undefined;
      const cost = (id: string) => byId.get(id)?.serverCpuUsPerRequest;
      const numeratorCost = cost(check.numerator);
      const denominatorCost = cost(check.denominator);
      const cpuCostRatio = numeratorCost && denominatorCost ? denominatorCost / numeratorCost : undefined;
      const neededRate = Number.isFinite(bottom) ? check.min * bottom : undefined;
      const bound = check.bound ? byId.get(check.bound)?.requestsPerSecond.median : undefined;
      const neededShareOfBound = neededRate !== undefined && bound ? neededRate / bound : undefined;
      return {
        ...check,
        ratio,
        ratioOfMedians,
        perRound,
        cpuCostRatio,
        neededRate,
        neededShareOfBound,
        pass: ratio !== undefined && ratio >= check.min,
      };
    });
}

export function errorFree(summary: TargetSummary): boolean {
  return summary.failedRuns === 0 && summary.errors === 0 && summary.timeouts === 0 && summary.non2xx === 0;
}

const fmt = (value: number | undefined, digits = 0) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));
const pct = (value: number | undefined) => (value === undefined ? '–' : `${Math.round(value * 100)}%`);

export function markdown(options: {
  title: string;
  context: string[];
  summaries: TargetSummary[];
  ratioResults: RatioResult[];
  notes: string[];
}): string {
  const lines = [`# ${options.title}`, '', ...options.context.map((c) => `- ${c}`), ''];
  lines.push(
    '| target | req/s (median) | min–max | p50 ms | p99 ms | server CPU | CPU µs/req | loadgen CPU | others CPU | errors | timeouts | non-2xx |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const s of options.summaries) {
    lines.push(
      `| ${s.label} (\`${s.id}\`) | ${fmt(s.requestsPerSecond.median)} | ${fmt(s.requestsPerSecond.min)}–${fmt(s.requestsPerSecond.max)} | ${fmt(s.latencyMs.p50, 1)} | ${fmt(s.latencyMs.p99, 1)} | ${pct(s.serverCpu)} | ${fmt(s.serverCpuUsPerRequest)} | ${pct(s.loadGeneratorCpu)} | ${pct(s.otherCpu)} | ${s.errors + (s.failedRuns ? ` (+${s.failedRuns} failed runs)` : '')} | ${s.timeouts} | ${s.non2xx} |`,
    );
  }
  lines.push(
    '',
    '| check | ratio (median of rounds) | per round | ratio of medians | CPU-cost ratio | target | needs req/s (share of the bound) | result |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |',
  );
  for (const r of options.ratioResults) {
    const needs =
      r.neededShareOfBound === undefined ? fmt(r.neededRate) : `${fmt(r.neededRate)} (${pct(r.neededShareOfBound)} of \`${r.bound}\`)`;
    lines.push(
      `| ${r.description} | ${fmt(r.ratio, 2)} | ${r.perRound.map((x) => x.toFixed(2)).join(', ')} | ${fmt(r.ratioOfMedians, 2)} | ${fmt(r.cpuCostRatio, 2)} | ≥ ${r.min} | ${needs} | ${r.pass ? 'PASS' : 'FAIL'} |`,
    );
  }
  const clean = options.summaries.every(errorFree);
  lines.push(`| zero errors, timeouts and non-2xx for every target | | | | | 0 | | ${clean ? 'PASS' : 'FAIL'} |`);
  if (options.notes.length) lines.push('', ...options.notes.map((n) => `> ${n}`));
  return `${lines.join('\n')}\n`;
}
