/**
 * `npm run bench`: Portcullis against oidc-provider and bare-Fastify ceilings, interleaved in
 * one run on one machine, each target in its own child process, autocannon as the load
 * generator in this process. Writes bench/results/<timestamp>.json and bench/results/latest.md.
 *
 *   node bench/run.ts [--rounds 5] [--duration 7] [--warmup 2] [--connections 10] [--pipelining 1]
 *                     [--only id,id] [--profile] [--strict]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineBusyCpuSeconds, processCpuSeconds, type ServerChild, spawnServer } from './lib/child.ts';
import { type LoadSettings, runLoad } from './lib/load.ts';
import { errorFree, markdown, type RunRecord, ratios, summarise } from './lib/report.ts';
import { ratioChecks, runOrder, sendOnce, type Target, targets } from './lib/targets.ts';

const usage = `node bench/run.ts [options]
  --rounds <n>        interleaved rounds (default 5)
  --duration <s>      measured seconds per run (default 7)
  --warmup <s>        unmeasured seconds before each run (default 2)
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

let current: ServerChild | undefined;
const interrupt = () => {
  process.stderr.write('\ninterrupted: stopping the current server\n');
  (current ? current.stop(2000) : Promise.resolve()).finally(() => process.exit(130));
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

async function measure(target: Target, round: number, slot: number): Promise<RunRecord> {
  const record: RunRecord = { round, slot, target: target.id };
  const execArgv = values.profile
    ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${target.id}-round${round + 1}.cpuprofile`]
    : [];
  let child: ServerChild | undefined;
  try {
    child = await spawnServer({ script: join(serversDir, target.server.script), args: target.server.args, execArgv });
    current = child;
    record.startupMs = child.startupMs;
    const request = await target.prepare(child.url);
    const before = await sendOnce(request);
    const problem = target.check(before.status, before.body);
    if (problem) throw new Error(`request check failed before the run: ${problem}`);
    if (warmup > 0) await runLoad(request, { ...settings, duration: warmup });
    const cpuBefore = processCpuSeconds(child.pid);
    const machineBefore = machineBusyCpuSeconds();
    const result = await runLoad(request, settings);
    const cpuAfter = processCpuSeconds(child.pid);
    const machineAfter = machineBusyCpuSeconds();
    record.result = result;
    if (cpuBefore !== undefined && cpuAfter !== undefined) {
      record.serverCpu = (cpuAfter - cpuBefore) / result.duration;
      if (result.completed > 0) record.serverCpuUsPerRequest = ((cpuAfter - cpuBefore) * 1e6) / result.completed;
      if (machineBefore !== undefined && machineAfter !== undefined) {
        // Whatever else ran meanwhile (other people's work): the noise this run suffered.
        record.otherCpu = Math.max(0, (machineAfter - machineBefore) / result.duration - record.serverCpu - result.loadGeneratorCpu);
      }
    }
    const exited = child.exited();
    if (exited) throw new Error(`server exited during the run (code ${exited.code}, signal ${exited.signal})\n${child.tail()}`);
    const after = await sendOnce(request);
    const afterProblem = target.check(after.status, after.body);
    if (afterProblem) throw new Error(`request check failed after the run: ${afterProblem}`);
  } catch (error) {
    record.failure = error instanceof Error ? error.message : String(error);
  } finally {
    await child?.stop();
    current = undefined;
  }
  return record;
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
const perRun = warmup + settings.duration + 2;
process.stdout.write(
  `Portcullis benchmark: ${selected.length} targets × ${rounds} rounds, ${warmup} s warm-up + ${settings.duration} s measured each, ` +
    `${settings.connections} connections, pipelining ${settings.pipelining} (about ${Math.ceil((plannedRuns * perRun) / 60)} min)\n`,
);
const loadBefore = loadavg();
const runs: RunRecord[] = [];
const notes: string[] = [];
const deadline = performance.now() + maxSeconds * 1000;
outer: for (let round = 0; round < rounds; round++) {
  const order = orderOf(round);
  for (const [slot, target] of order.entries()) {
    if (performance.now() > deadline) {
      notes.push(`Stopped after ${maxSeconds} s (--max-seconds): round ${round + 1} is incomplete.`);
      break outer;
    }
    const record = await measure(target, round, slot);
    runs.push(record);
    process.stdout.write(`${progressLine(record, target.id)}\n`);
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
  `${rounds} rounds, order rotated (and reversed every other round); ${warmup} s warm-up + ${settings.duration} s measured per run; ${settings.connections} connections, pipelining ${settings.pipelining}; autocannon in the parent, each server in its own process on 127.0.0.1`,
  'req/s and latency are medians over rounds. A check\'s ratio is the median of its rounds\' ratios, each of two runs that are neighbours in the run order; the ratio of the two medians is shown beside it. CPU columns are CPU time over the measured window (100% = one core): the server child, and "others" = the rest of the machine minus server and load generator. "CPU µs/req" is server CPU per completed request; the CPU-cost ratio compares those (what the req/s ratio would be on an uncontended core).',
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
      settings: { rounds, warmup, ...settings, profile: values.profile },
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
