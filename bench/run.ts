/**
 * `npm run bench`: Portcullis against oidc-provider and bare-Fastify ceilings, interleaved in
 * one run on one machine, each target in its own child process, autocannon as the load
 * generator in this process. Writes bench/results/<timestamp>.json and bench/results/latest.md.
 *
 *   node bench/run.ts [--rounds 5] [--duration 7] [--slice 1] [--warmup 2] [--connections 10] [--pipelining 1]
 *                     [--only id,id] [--profile] [--strict]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineBusyCpuSeconds, processCpuSeconds, type ServerChild, spawnServer } from './lib/child.ts';
import { combineSlices, type LoadResult, type LoadSettings, runLoad } from './lib/load.ts';
import { errorFree, markdown, type RunRecord, ratios, summarise } from './lib/report.ts';
import { type LoadRequest, ratioChecks, runOrder, sendOnce, type Target, targets } from './lib/targets.ts';

const usage = `node bench/run.ts [options]
  --rounds <n>        interleaved rounds (default 5)
  --duration <s>      measured seconds per target and round (default 7)
  --slice <s>         seconds of load on one server before moving to the next (default 1)
  --warmup <s>        unmeasured seconds per server before a round's slices (default 2)
  --connections <n>   autocannon connections, same for every target (default 10)
  --pipelining <n>    autocannon pipelining, same for every target (default 1)
  --only <ids>        comma-separated target ids (default: all)
  --profile           run the server children with --cpu-prof (into bench/results/profiles/)
  --max-seconds <s>   stop starting runs after this long (default 480)
  --strict            exit 1 when a check fails
targets: ${targets.map((t) => t.id).join(', ')}`;

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '7' },
    slice: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '10' },
    pipelining: { type: 'string', default: '1' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'max-seconds': { type: 'string', default: '480' },
    strict: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}

function positive(name: string, raw: string, allowZero = false): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    process.stderr.write(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number\n`);
    process.exit(2);
  }
  return value;
}

const rounds = Math.floor(positive('rounds', values.rounds));
const warmup = positive('warmup', values.warmup, true);
const slice = positive('slice', values.slice);
const maxSeconds = positive('max-seconds', values['max-seconds']);
const settings: LoadSettings = {
  connections: Math.floor(positive('connections', values.connections)),
  pipelining: Math.floor(positive('pipelining', values.pipelining)),
  duration: positive('duration', values.duration),
  timeout: 5,
};
let selected: readonly Target[] = targets;
if (values.only) {
  const ids = values.only.split(',').map((s) => s.trim());
  const unknown = ids.filter((id) => !targets.some((t) => t.id === id));
  if (unknown.length) {
    process.stderr.write(`unknown target(s): ${unknown.join(', ')}\n${usage}\n`);
    process.exit(2);
  }
  selected = targets.filter((t) => ids.includes(t.id));
}

const benchDir = dirname(fileURLToPath(import.meta.url));
const serversDir = join(benchDir, 'servers');
const resultsDir = join(benchDir, 'results');
const startedAt = new Date();
const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const profileDir = join(resultsDir, 'profiles', stamp);

const cycle = [...selected].sort((a, b) => runOrder.indexOf(a.id) - runOrder.indexOf(b.id));

/**
 * Round r starts n·r/rounds places further along the cycle, so every target runs early, in the
 * middle and late; odd rounds run backwards, so each compared pair alternates which goes first.
 */
function orderOf(round: number): Target[] {
  const shift = Math.round((cycle.length * round) / rounds) % cycle.length;
  const rotated = [...cycle.slice(shift), ...cycle.slice(0, shift)];
  return round % 2 ? rotated.reverse() : rotated;
}

const children = new Set<ServerChild>();
const interrupt = () => {
  process.stderr.write('\ninterrupted: stopping the servers\n');
  Promise.all([...children].map((child) => child.stop(2000))).finally(() => process.exit(130));
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

/** One target's server in a round, and what its slices have added up to so far. */
interface Live {
  target: Target;
  record: RunRecord;
  child?: ServerChild;
  request?: LoadRequest;
  slices: LoadResult[];
  /** The server's CPU seconds during its slices. */
  sliceCpuSeconds: number;
  /** The machine's busy CPU seconds during the server's slices. */
  machineCpuSeconds: number;
  /** The server's CPU seconds when the round's slices began, and once they had ended and settled. */
  cpuAtStart?: number;
  cpuAtEnd?: number;
}

function fail(live: Live, error: unknown): void {
  live.record.failure = error instanceof Error ? error.message : String(error);
}

/** Starts a target's server, checks its request answers as it should, and warms it up. */
async function prepare(live: Live, round: number): Promise<void> {
  const { target } = live;
  const execArgv = values.profile
    ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${target.id}-round${round + 1}.cpuprofile`]
    : [];
  try {
    live.child = await spawnServer({ script: join(serversDir, target.server.script), args: target.server.args, execArgv });
    children.add(live.child);
    live.record.startupMs = live.child.startupMs;
    live.request = await target.prepare(live.child.url);
    const before = await sendOnce(live.request);
    const problem = target.check(before.status, before.body);
    if (problem) throw new Error(`request check failed before the run: ${problem}`);
    if (warmup > 0) await runLoad(live.request, { ...settings, duration: warmup });
  } catch (error) {
    fail(live, error);
  }
}

/** One slice of load on one server, its CPU and the machine's counted alongside. */
async function measureSlice(live: Live): Promise<void> {
  const { child, request } = live;
  if (!child || !request || live.record.failure) return;
  try {
    const cpuBefore = processCpuSeconds(child.pid);
    const machineBefore = machineBusyCpuSeconds();
    const result = await runLoad(request, { ...settings, duration: slice });
    const cpuAfter = processCpuSeconds(child.pid);
    const machineAfter = machineBusyCpuSeconds();
    live.slices.push(result);
    if (cpuBefore !== undefined && cpuAfter !== undefined) live.sliceCpuSeconds += cpuAfter - cpuBefore;
    if (machineBefore !== undefined && machineAfter !== undefined) live.machineCpuSeconds += machineAfter - machineBefore;
    const exited = child.exited();
    if (exited) throw new Error(`server exited during the run (code ${exited.code}, signal ${exited.signal})\n${child.tail()}`);
  } catch (error) {
    fail(live, error);
  }
}

/** The round's result for one target: its slices combined, its request checked once more. */
async function finish(live: Live): Promise<void> {
  const { record, request } = live;
  if (record.failure || !request || live.slices.length === 0) return;
  const result = combineSlices(live.slices);
  record.result = result;
  record.serverCpu = live.sliceCpuSeconds / result.duration;
  // Whatever else ran meanwhile (other people's work, the other servers' leftovers): the noise this run suffered.
  record.otherCpu = Math.max(0, live.machineCpuSeconds / result.duration - record.serverCpu - result.loadGeneratorCpu);
  // Per request, all of the server's CPU from its first slice on counts, work that ran after a
  // slice had ended (a WAL checkpoint on another thread, say) included.
  if (result.completed > 0 && live.cpuAtStart !== undefined && live.cpuAtEnd !== undefined) {
    record.serverCpuUsPerRequest = ((live.cpuAtEnd - live.cpuAtStart) * 1e6) / result.completed;
  }
  try {
    const after = await sendOnce(request);
    const problem = live.target.check(after.status, after.body);
    if (problem) throw new Error(`request check failed after the run: ${problem}`);
  } catch (error) {
    fail(live, error);
  }
}

const settleMs = 1500;

/**
 * A round: a fresh server for every target, each warmed up, then the load moves from server to
 * server in slices of `slice` seconds (in the round's order, then back), until each has had
 * `duration` seconds. Every target is measured across the whole round, so a machine whose speed
 * drifts from one second to the next (two runs of 7 s side by side differed by up to 2× here,
 * 2026-12-07) slows all of them alike instead of whichever ran at the slow moment.
 */
async function runRound(round: number, order: readonly Target[]): Promise<Live[]> {
  const lives: Live[] = order.map((target, slot) => ({
    target,
    record: { round, slot, target: target.id },
    slices: [],
    sliceCpuSeconds: 0,
    machineCpuSeconds: 0,
  }));
  try {
    for (const live of lives) await prepare(live, round);
    const cpuNow = (live: Live) => (live.child ? processCpuSeconds(live.child.pid) : undefined);
    for (const live of lives) live.cpuAtStart = cpuNow(live);
    const count = Math.max(1, Math.round(settings.duration / slice));
    for (let index = 0; index < count; index++) {
      for (const live of index % 2 ? [...lives].reverse() : lives) await measureSlice(live);
    }
    // Long enough for work left behind to have run: the checkpoint thread's interval is 1 s.
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    for (const live of lives) live.cpuAtEnd = cpuNow(live);
    for (const live of lives) await finish(live);
  } finally {
    await Promise.all(
      lives.map(async ({ child }) => {
        if (!child) return;
        await child.stop();
        children.delete(child);
      }),
    );
  }
  return lives;
}

function progressLine(record: RunRecord, label: string): string {
  const head = `[round ${record.round + 1}/${rounds} #${record.slot + 1}] ${label.padEnd(24)}`;
  if (record.failure) return `${head} FAILED: ${record.failure.split('\n')[0]}`;
  const r = record.result;
  if (!r) return `${head} no result`;
  const percent = (x: number | undefined) => (x === undefined ? '?' : `${Math.round(x * 100)}%`);
  return (
    `${head} ${r.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${r.latencyMs.p50} ms  p99 ${r.latencyMs.p99} ms  ` +
    `cpu: server ${percent(record.serverCpu)} (${record.serverCpuUsPerRequest?.toFixed(0) ?? '?'} µs/req) loadgen ${percent(r.loadGeneratorCpu)} others ${percent(record.otherCpu)}  ` +
    `errors ${r.errors} timeouts ${r.timeouts} non-2xx ${r.non2xx}`
  );
}

function gitDescription(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: benchDir, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '../packages'], { cwd: benchDir, encoding: 'utf8' }).trim();
    return dirty ? `${commit} + uncommitted changes under packages/` : commit;
  } catch {
    return 'unknown';
  }
}

const plannedRuns = rounds * selected.length;
const perRun = warmup + settings.duration * 1.05 + 1;
process.stdout.write(
  `Portcullis benchmark: ${selected.length} targets × ${rounds} rounds, ${warmup} s warm-up + ${settings.duration} s measured each in ${slice} s slices, ` +
    `${settings.connections} connections, pipelining ${settings.pipelining} (about ${Math.ceil((plannedRuns * perRun) / 60)} min)\n`,
);
const loadBefore = loadavg();
const runs: RunRecord[] = [];
const notes: string[] = [];
const deadline = performance.now() + maxSeconds * 1000;
for (let round = 0; round < rounds; round++) {
  if (performance.now() > deadline) {
    notes.push(`Stopped after ${maxSeconds} s (--max-seconds): ${round} of ${rounds} rounds ran.`);
    break;
  }
  for (const live of await runRound(round, orderOf(round))) {
    runs.push(live.record);
    process.stdout.write(`${progressLine(live.record, live.target.id)}\n`);
  }
}
const loadAfter = loadavg();
const finishedAt = new Date();

const summaries = summarise(selected, runs);
const ratioResults = ratios(ratioChecks, summaries, runs);
const overloaded = summaries.filter((s) => s.loadGeneratorCpu !== undefined && s.loadGeneratorCpu > 0.9);
if (overloaded.length) {
  notes.push(
    `The load generator was near one full core for ${overloaded.map((s) => s.id).join(', ')}: those figures may be capped by autocannon, not the server.`,
  );
}
const starved = summaries.filter((s) => s.serverCpu !== undefined && s.serverCpu < 0.85);
if (starved.length) {
  notes.push(
    `Server CPU stayed under 85% of a core for ${starved.map((s) => s.id).join(', ')}: the server waited (blocking I/O, locks) or other work took the CPU (see "others").`,
  );
}
const noisy = runs.filter((r) => r.otherCpu !== undefined && r.otherCpu > 0.25);
if (noisy.length) {
  notes.push(
    `Other processes used more than a quarter of a core during ${noisy.length} of ${runs.length} runs: req/s is noisy; CPU µs/req and the CPU-cost ratios are steadier.`,
  );
}
for (const record of runs.filter((r) => r.failure)) notes.push(`Run failed: round ${record.round + 1} ${record.target}: ${record.failure}`);

const context = [
  `${startedAt.toISOString()} · ${Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000)} s · commit ${gitDescription()}`,
  `Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'} · load average ${loadBefore[0]?.toFixed(2)} before, ${loadAfter[0]?.toFixed(2)} after`,
  `${rounds} rounds, each with a fresh server per target, warmed up for ${warmup} s; then the load moves from server to server in ${slice} s slices (in the round's order, then back), ${settings.duration} s per target; order rotated (and reversed every other round); ${settings.connections} connections, pipelining ${settings.pipelining}; autocannon in the parent, each server in its own process on 127.0.0.1`,
  'req/s is requests over measured time across a round\'s slices, then the median over rounds; latency percentiles are medians over slices and rounds. A check\'s ratio is the median of its rounds\' ratios (both targets measured across the same minute); the ratio of the two medians is shown beside it. CPU columns are CPU time over the measured window (100% = one core): the server child, and "others" = the rest of the machine minus server and load generator. "CPU µs/req" is server CPU (from its first slice to the end of the round, work left after a slice included) per completed request; the CPU-cost ratio compares those (what the req/s ratio would be on an uncontended core).',
];
const table = markdown({ title: 'Portcullis benchmark', context, summaries, ratioResults, notes });

mkdirSync(resultsDir, { recursive: true });
const jsonPath = join(resultsDir, `${stamp}.json`);
writeFileSync(
  jsonPath,
  `${JSON.stringify(
    {
      startedAt,
      finishedAt,
      commit: gitDescription(),
      machine: { node: process.version, cpus: cpus().length, model: cpus()[0]?.model, loadBefore, loadAfter },
      settings: { rounds, warmup, slice, ...settings, profile: values.profile },
      order: Array.from({ length: rounds }, (_, r) => orderOf(r).map((t) => t.id)),
      runs,
      summaries,
      ratios: ratioResults,
      notes,
    },
    null,
    2,
  )}\n`,
);
writeFileSync(join(resultsDir, 'latest.md'), table);
process.stdout.write(
  `\n${table}\nwrote ${relative(process.cwd(), jsonPath)} and ${relative(process.cwd(), join(resultsDir, 'latest.md'))}\n`,
);
if (values.profile)
  process.stdout.write(`CPU profiles in ${relative(process.cwd(), profileDir)} (summarise: node bench/profile.ts <file>)\n`);

const failed = ratioResults.some((r) => !r.pass) || !summaries.every(errorFree);
process.exit(values.strict && failed ? 1 : 0);
