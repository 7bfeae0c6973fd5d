/**
 * People benchmark: refresh-token rotation and the complete code flow, Portcullis (SQLite)
 * side by side with oidc-provider (memory adapter) in one run, plus argon2id verification
 * alone. Each server runs in its own child process; the load generator runs here. Rounds are
 * interleaved (the order alternates) and medians are reported. See README.md for the method.
 *
 *   npm run bench:people [-- --rounds 5 --seconds 6 --chains 32 --concurrency 8 --profile]
 *   npm run bench:people -- --only refresh    (or flow: one kind of workload, for quick checks)
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Pool } from 'undici';
import { api, flowScope, refreshScope } from './fixtures.ts';
import {
  codeFlow,
  createPool,
  discover,
  type Endpoints,
  type FlowOptions,
  type LoadStats,
  mintRefreshTokens,
  runCodeFlows,
  runRefreshChains,
} from './flows.ts';
import { type Child, cpuSeconds, startChild } from './process.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { values: options } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '6' },
    chains: { type: 'string', default: '32' },
    concurrency: { type: 'string', default: '8' },
    profile: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
if (options.only !== undefined && options.only !== 'refresh' && options.only !== 'flow') throw new Error('--only takes refresh or flow');
/** Whether this run includes a kind of workload (`--only` narrows a run to one kind for quick checks). */
const includes = (kind: 'refresh' | 'flow') => options.only === undefined || options.only === kind;
const rounds = Number(options.rounds);
const seconds = Number(options.seconds);
const chains = Number(options.chains);
const concurrency = Number(options.concurrency);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const profileDir = join(root, 'bench', 'results', 'profiles', `people-${stamp}`);

interface Side {
  id: 'portcullis' | 'oidc-provider' | 'ceiling';
  label: string;
  child: Child<{ issuer: string }>;
  endpoints: Endpoints;
  pool: Pool;
}

interface Workload {
  id: string;
  label: string;
  side: Side;
  kind: 'refresh' | 'flow';
  flow: FlowOptions;
}

interface Run {
  round: number;
  workload: string;
  stats: LoadStats;
  /** Server child CPU milliseconds per completed operation. */
  serverCpuMsPerOp?: number;
  /** Server child CPU during the window, in cores. */
  serverCpu?: number;
  /** The server's main (event-loop) thread alone, ms per operation: argon2id and SQLite worker threads left out. */
  mainThreadCpuMsPerOp?: number;
}

interface Argon2Run {
  round: number;
  concurrency: number;
  perSecond: number;
  completed: number;
  cpuMsPerVerify: number;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function startSide(id: Side['id'], label: string, script: string, execArgv: string[] = []): Promise<Side> {
  const child = await startChild<{ issuer: string }>(join(here, script), [], execArgv);
  const endpoints = await discover(child.ready.issuer);
  return { id, label, child, endpoints, pool: createPool(endpoints.origin, Math.max(chains, concurrency)) };
}

async function argon2Alone(verifications: number, duration: number): Promise<Omit<Argon2Run, 'round'>> {
  const child = await startChild<Omit<Argon2Run, 'round'>>(join(here, 'argon2-alone.ts'), [String(verifications), String(duration)]);
  await child.stop();
  return child.ready;
}

/** Runs a workload, with the server child's CPU measured around it. */
async function measure(workload: Workload, duration: number): Promise<Omit<Run, 'round'>> {
  const { side } = workload;
  let tokens: string[] = [];
  if (workload.kind === 'refresh') tokens = await mintRefreshTokens(side.pool, side.endpoints, workload.flow, chains, concurrency);
  const cpuBefore = cpuSeconds(side.child.pid);
  const mainBefore = cpuSeconds(side.child.pid, side.child.pid);
  const stats =
    workload.kind === 'refresh'
      ? await runRefreshChains(side.pool, side.endpoints, tokens, duration)
      : await runCodeFlows(side.pool, side.endpoints, workload.flow, concurrency, duration);
  const cpuAfter = cpuSeconds(side.child.pid);
  const mainAfter = cpuSeconds(side.child.pid, side.child.pid);
  if (side.child.exited()) throw new Error(`${side.label} exited during ${workload.label}\n${side.child.tail()}`);
  const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
  return {
    workload: workload.id,
    stats,
    serverCpuMsPerOp: cpu !== undefined && stats.completed ? (cpu * 1000) / stats.completed : undefined,
    serverCpu: cpu !== undefined ? cpu / stats.seconds : undefined,
    mainThreadCpuMsPerOp:
      mainBefore !== undefined && mainAfter !== undefined && stats.completed
        ? ((mainAfter - mainBefore) * 1000) / stats.completed
        : undefined,
  };
}

interface HotSpots {
  /** Share of the main thread's samples that were not idle. */
  busyPercent: number;
  /** Self time by function, as a share of busy time. */
  functions: Array<{ function: string; where: string; selfPercent: number }>;
  /** Self time by package or area, as a share of busy time. */
  areas: Array<{ area: string; selfPercent: number }>;
}

/** Where a profiled frame's code lives: a workspace package, a dependency, or Node itself. */
function areaOf(url: string): string {
  if (!url) return '(native / runtime)';
  const local = url.startsWith(root) ? relative(root, url) : url;
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(local);
  if (dependency) return dependency[1] as string;
  const workspace = /^packages\/([^/]+)\/src\/(.*)$/.exec(local);
  if (workspace) return `@portcullis/${workspace[1]} ${workspace[2]}`;
  return local.startsWith('node:') ? 'node core' : local;
}

/** Self time of the .cpuprofile files in `dir`, by function and by area (idle time left out). */
function hotSpots(dir: string, top = 25): HotSpots {
  interface ProfileNode {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id)?.callFrame;
      const delta = profile.timeDeltas[i] ?? 0;
      if (!frame) return;
      if (frame.functionName === '(idle)') {
        idle += delta;
        return;
      }
      const url = frame.url.replace(/^file:\/\//, '');
      const where = url ? `${url.startsWith(root) ? relative(root, url) : url}:${frame.lineNumber + 1}` : '';
      const key = `${frame.functionName || '(anonymous)'}\t${where}`;
      self.set(key, (self.get(key) ?? 0) + delta);
      const area = areaOf(url);
      areas.set(area, (areas.get(area) ?? 0) + delta);
      busy += delta;
    });
  }
  const percent = (time: number) => Math.round((time / busy) * 1000) / 10;
  return {
    busyPercent: Math.round((busy / (busy + idle)) * 1000) / 10,
    functions: [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, time]) => {
        const [fn, where] = key.split('\t');
        return { function: fn as string, where: where as string, selfPercent: percent(time) };
      }),
    areas: [...areas]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, time]) => ({ area, selfPercent: percent(time) })),
  };
}

/**
 * Profiles Portcullis under one workload: a fresh child with --cpu-prof, a warm-up, the
 * workload for `duration` seconds, then the child stops and writes its profile.
 */
async function profilePortcullis(kind: 'refresh' | 'flow', flow: FlowOptions, duration: number): Promise<HotSpots & { dir: string }> {
  const dir = join(profileDir, kind);
  mkdirSync(dir, { recursive: true });
  const side = await startSide('portcullis', 'Portcullis (SQLite, profiled)', 'portcullis-server.ts', [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
  ]);
  try {
    const workload: Workload = { id: `profile:${kind}`, label: `profile ${kind}`, side, kind, flow };
    await measure(workload, 2);
    await measure(workload, duration);
  } finally {
    await side.pool.close();
    await side.child.stop();
  }
  return { dir: relative(root, dir), ...hotSpots(dir) };
}

const started = performance.now();
log(`people benchmark: ${rounds} rounds × ${seconds} s, ${chains} refresh chains, ${concurrency} concurrent code flows`);
const portcullis = await startSide('portcullis', 'Portcullis (SQLite)', 'portcullis-server.ts');
const oidc = await startSide('oidc-provider', 'oidc-provider (memory)', 'oidc-provider-server.ts');
// Only the code flow runs against the ceiling (it has no refresh tokens to rotate).
const ceiling = includes('flow') ? await startSide('ceiling', 'bare Fastify ceiling', 'flow-ceiling-server.ts') : undefined;
const sides = ceiling ? [portcullis, oidc, ceiling] : [portcullis, oidc];

const flowOptions: FlowOptions = { scope: flowScope, resource: api.identifier };
const withoutPassword: FlowOptions = { ...flowOptions, loginAction: (action) => action.replace(/\/login$/, '/login-without-password') };
const refreshOptions: FlowOptions = { scope: refreshScope, resource: api.identifier };
const refreshPortcullis: Workload = {
  id: 'refresh:portcullis',
  label: `refresh rotation, ${portcullis.label}`,
  side: portcullis,
  kind: 'refresh',
  flow: refreshOptions,
};
// oidc-provider's pool of refresh tokens is minted without a password (minting is not timed).
const refreshOidc: Workload = {
  id: 'refresh:oidc-provider',
  label: `refresh rotation, ${oidc.label}`,
  side: oidc,
  kind: 'refresh',
  flow: { ...refreshOptions, loginAction: withoutPassword.loginAction },
};
const flowPortcullis: Workload = {
  id: 'flow:portcullis',
  label: `code flow, ${portcullis.label}, argon2id sign-in`,
  side: portcullis,
  kind: 'flow',
  flow: flowOptions,
};
const flowOidc: Workload = {
  id: 'flow:oidc-provider',
  label: `code flow, ${oidc.label}, argon2id sign-in`,
  side: oidc,
  kind: 'flow',
  flow: flowOptions,
};
const flowOidcBare: Workload = {
  id: 'flow:oidc-provider:no-password',
  label: `code flow, ${oidc.label}, no password`,
  side: oidc,
  kind: 'flow',
  flow: withoutPassword,
};
/** The same four requests and the same argon2id verification with nothing else done: what this machine allows a sign-in. */
const flowCeiling: Workload | undefined = ceiling && {
  id: 'flow:ceiling',
  label: `code flow, ${ceiling.label}, argon2id sign-in`,
  side: ceiling,
  kind: 'flow',
  flow: flowOptions,
};
const workloads = [refreshPortcullis, refreshOidc, flowPortcullis, flowOidc, flowOidcBare, ...(flowCeiling ? [flowCeiling] : [])];
const all = workloads.filter((w) => includes(w.kind));
/**
 * One round. The two sides' runs of a workload are adjacent, and argon2id alone runs right
 * next to Portcullis' code flow (the pair the sign-in target compares), with the flow's ceiling
 * on its other side; odd rounds put Portcullis first, even rounds oidc-provider, so drift in
 * the machine's load favours neither.
 */
const schedule = (round: number): Array<Workload | 'argon2'> =>
  (round % 2
    ? [refreshPortcullis, refreshOidc, flowPortcullis, 'argon2' as const, flowCeiling, flowOidc, flowOidcBare]
    : [refreshOidc, refreshPortcullis, flowOidcBare, flowOidc, flowCeiling, 'argon2' as const, flowPortcullis]
  ).filter((step): step is Workload | 'argon2' => step !== undefined && includes(step === 'argon2' ? 'flow' : step.kind));

const runs: Run[] = [];
const argon2Runs: Argon2Run[] = [];
let failure: string | undefined;
let singleVerify: Omit<Argon2Run, 'round'> | undefined;
try {
  // Each side completes a flow (with an ID token and a refresh token) before anything is timed.
  for (const side of sides) {
    const { tokens } = await codeFlow(side.pool, side.endpoints, flowOptions);
    if (!tokens.id_token || !tokens.refresh_token) throw new Error(`${side.label}: the code flow lacks an ID token or a refresh token`);
  }
  if (includes('flow')) singleVerify = await argon2Alone(1, 2);
  if (singleVerify)
    log(`argon2id verify alone, one at a time: ${singleVerify.cpuMsPerVerify.toFixed(1)} ms CPU, ${singleVerify.perSecond.toFixed(1)}/s`);
  log('warm-up');
  for (const workload of all) await measure(workload, Math.min(2, seconds));

  for (let round = 1; round <= rounds; round++) {
    for (const step of schedule(round)) {
      if (step === 'argon2') {
        const alone = await argon2Alone(concurrency, seconds);
        argon2Runs.push({ round, ...alone });
        log(`round ${round}  ${`argon2id verify alone, ${concurrency} at a time`.padEnd(52)} ${alone.perSecond.toFixed(1).padStart(8)}/s`);
        continue;
      }
      const run = { round, ...(await measure(step, seconds)) };
      runs.push(run);
      log(
        `round ${round}  ${step.label.padEnd(52)} ${run.stats.perSecond.toFixed(1).padStart(8)}/s  errors ${run.stats.errors}${
          run.stats.firstError ? ` (${run.stats.firstError})` : ''
        }`,
      );
    }
  }
} catch (error) {
  failure = error instanceof Error ? (error.stack ?? error.message) : String(error);
  log(`benchmark failed: ${failure}`);
} finally {
  for (const side of sides) {
    await side.pool.close();
    await side.child.stop();
  }
}

const profiles: Record<string, HotSpots & { dir: string }> = {};
if (options.profile && !failure) {
  log('profiling Portcullis');
  if (includes('refresh'))
    profiles.refresh = await profilePortcullis('refresh', { scope: refreshScope, resource: api.identifier }, seconds);
  if (includes('flow')) profiles.flow = await profilePortcullis('flow', { scope: flowScope, resource: api.identifier }, seconds);
}

interface Summary {
  id: string;
  label: string;
  perSecond: number;
  perRound: number[];
  latencyMsP50: number;
  latencyMsP99: number;
  serverCpuMsPerOp: number;
  serverCpu: number;
  mainThreadCpuMsPerOp: number;
  generatorCpu: number;
  requestsPerOperation?: number;
  errors: number;
  firstError?: string;
}

const summaries: Summary[] = workloads.map((workload) => {
  const mine = runs.filter((r) => r.workload === workload.id);
  return {
    id: workload.id,
    label: workload.label,
    perSecond: median(mine.map((r) => r.stats.perSecond)),
    perRound: mine.map((r) => Math.round(r.stats.perSecond * 10) / 10),
    latencyMsP50: median(mine.map((r) => r.stats.latencyMs.p50)),
    latencyMsP99: median(mine.map((r) => r.stats.latencyMs.p99)),
    serverCpuMsPerOp: median(mine.map((r) => r.serverCpuMsPerOp ?? Number.NaN)),
    serverCpu: median(mine.map((r) => r.serverCpu ?? Number.NaN)),
    mainThreadCpuMsPerOp: median(mine.map((r) => r.mainThreadCpuMsPerOp ?? Number.NaN)),
    generatorCpu: median(mine.map((r) => r.stats.generatorCpu)),
    requestsPerOperation: median(mine.map((r) => r.stats.requestsPerOperation ?? Number.NaN)),
    errors: mine.reduce((sum, r) => sum + r.stats.errors, 0),
    firstError: mine.find((r) => r.stats.firstError)?.stats.firstError,
  };
});
const summary = (id: string) => summaries.find((s) => s.id === id) as Summary;
const argon2PerSecond = median(argon2Runs.map((r) => r.perSecond));

/**
 * Each round's ratio of two runs made back to back in that round (NaN where a run is missing):
 * their median, and each round's, rounded for display.
 */
function paired(numerator: (round: number) => number | undefined, denominator: (round: number) => number | undefined) {
  const ratios = Array.from({ length: rounds }, (_, i) => {
    const n = numerator(i + 1);
    const d = denominator(i + 1);
    return n !== undefined && d ? n / d : Number.NaN;
  });
  return { ratio: median(ratios), perRound: ratios.map((ratio) => Math.round(ratio * 100) / 100) };
}
const rate = (id: string) => (round: number) => runs.find((r) => r.workload === id && r.round === round)?.stats.perSecond;
const argon2Rate = (round: number) => argon2Runs.find((r) => r.round === round)?.perSecond;

const argon2CpuMs = median(argon2Runs.map((r) => r.cpuMsPerVerify));
/**
 * The flow's ceiling beside the sign-in target: what share of argon2id alone a server doing
 * nothing but the same four requests and the verification reached, and Portcullis' share of it.
 */
function ceilingShares() {
  const ofArgon2 = paired(rate('flow:ceiling'), argon2Rate);
  const portcullis = paired(rate('flow:portcullis'), rate('flow:ceiling'));
  return {
    ceilingOfArgon2: ofArgon2.ratio,
    ceilingOfArgon2PerRound: ofArgon2.perRound,
    portcullisOfCeiling: portcullis.ratio,
    portcullisOfCeilingPerRound: portcullis.perRound,
    errors: summary('flow:ceiling').errors,
  };
}
const signInCeiling = flowCeiling && ceilingShares();
/**
 * A target's ratio is the median of its rounds' paired ratios: each round compares two runs made
 * back to back, so a change in the machine's speed between rounds (other tenants' load) cancels
 * out; the ratio of the two sides' medians, which can pair a fast round with a slow one, is
 * reported beside it.
 */
const targets = [
  {
    name: 'refresh rotation ≥ 2× oidc-provider (Portcullis persisting to SQLite)',
    ...paired(rate('refresh:portcullis'), rate('refresh:oidc-provider')),
    ratioOfMedians: summary('refresh:portcullis').perSecond / summary('refresh:oidc-provider').perSecond,
    required: 2,
    /** The same comparison by server CPU per operation (what the ratio would be with both CPU-bound on equal cores). */
    cpuRatio: summary('refresh:oidc-provider').serverCpuMsPerOp / summary('refresh:portcullis').serverCpuMsPerOp,
    errors: summary('refresh:portcullis').errors + summary('refresh:oidc-provider').errors,
    ran: includes('refresh'),
  },
  {
    name: `password sign-ins ≥ 80% of argon2id verify alone (${concurrency} at a time)`,
    ...paired(rate('flow:portcullis'), argon2Rate),
    ratioOfMedians: summary('flow:portcullis').perSecond / argon2PerSecond,
    required: 0.8,
    /** argon2id's CPU per verify over Portcullis' server CPU per complete flow. */
    cpuRatio: argon2CpuMs / summary('flow:portcullis').serverCpuMsPerOp,
    errors: summary('flow:portcullis').errors,
    ran: includes('flow'),
  },
].map((t) => ({ ...t, pass: !failure && t.errors === 0 && Number.isFinite(t.ratio) && t.ratio >= t.required }));

const fixed = (value: number | undefined, digits = 1) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));
const lines: string[] = [];
lines.push('');
lines.push(
  `${'workload'.padEnd(56)} ${'median/s'.padStart(9)} ${'rounds'.padEnd(22)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'srv CPU ms/op'.padStart(13)} ${'srv cores'.padStart(9)} ${'main ms/op'.padStart(10)} ${'req/op'.padStart(6)} ${'errors'.padStart(6)}`,
);
for (const s of summaries) {
  lines.push(
    `${s.label.padEnd(56)} ${fixed(s.perSecond).padStart(9)} ${s.perRound.join(' / ').padEnd(22)} ${fixed(s.latencyMsP50).padStart(7)} ${fixed(
      s.latencyMsP99,
    ).padStart(
      7,
    )} ${fixed(s.serverCpuMsPerOp, 2).padStart(13)} ${fixed(s.serverCpu, 2).padStart(9)} ${fixed(s.mainThreadCpuMsPerOp, 2).padStart(10)} ${fixed(s.requestsPerOperation, 0).padStart(6)} ${String(s.errors).padStart(6)}`,
  );
}
lines.push(
  `${`argon2id verify alone, ${concurrency} at a time`.padEnd(56)} ${fixed(argon2PerSecond).padStart(9)} ${argon2Runs
    .map((r) => fixed(r.perSecond))
    .join(' / ')
    .padEnd(22)} ${''.padStart(7)} ${''.padStart(7)} ${fixed(argon2CpuMs, 2).padStart(13)}`,
);
if (singleVerify)
  lines.push(`argon2id verify, one at a time: ${fixed(singleVerify.cpuMsPerVerify)} ms CPU each (${fixed(singleVerify.perSecond)}/s)`);
const oidcFlow = summary('flow:oidc-provider');
const oidcBare = summary('flow:oidc-provider:no-password');
const portcullisFlow = summary('flow:portcullis');
lines.push(
  `code flow, Portcullis ÷ oidc-provider (both verifying argon2id): ${fixed(portcullisFlow.perSecond / oidcFlow.perSecond, 2)}×`,
  `server CPU per code flow: Portcullis ${fixed(portcullisFlow.serverCpuMsPerOp, 2)} ms, of which argon2id ≈ ${fixed(argon2CpuMs, 2)} ms ` +
    `(${fixed((argon2CpuMs / portcullisFlow.serverCpuMsPerOp) * 100, 0)}%), the rest ${fixed(portcullisFlow.serverCpuMsPerOp - argon2CpuMs, 2)} ms ` +
    `over ${fixed(portcullisFlow.requestsPerOperation, 0)} requests; oidc-provider without a password ${fixed(oidcBare.serverCpuMsPerOp, 2)} ms ` +
    `over ${fixed(oidcBare.requestsPerOperation, 0)} requests`,
);
if (signInCeiling)
  lines.push(
    `code flow ceiling (bare Fastify, the same ${fixed(summary('flow:ceiling').requestsPerOperation, 0)} requests and argon2id verify, nothing stored or signed) ÷ argon2id alone: ` +
      `${fixed(signInCeiling.ceilingOfArgon2, 2)} (per round ${signInCeiling.ceilingOfArgon2PerRound.join(' / ')}); ` +
      `Portcullis ÷ that ceiling: ${fixed(signInCeiling.portcullisOfCeiling, 2)} (per round ${signInCeiling.portcullisOfCeilingPerRound.join(' / ')})`,
  );
lines.push('');
for (const t of targets) {
  if (!t.ran) {
    lines.push(`SKIP  ${t.name}: not run (--only ${options.only})`);
    continue;
  }
  lines.push(
    `${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${fixed(t.ratio, 2)} (required ${t.required}; median of per round ${t.perRound.join(' / ')}; ` +
      `ratio of medians ${fixed(t.ratioOfMedians, 2)}; by server CPU per operation ${fixed(t.cpuRatio, 2)}; errors ${t.errors})`,
  );
}
if (failure) lines.push(`FAIL  the run did not complete: ${failure.split('\n')[0]}`);
lines.push(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
console.log(lines.join('\n'));

const resultsDir = join(root, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `people-${stamp}.json`);
writeFileSync(
  file,
  `${JSON.stringify(
    {
      benchmark: 'people',
      date: new Date().toISOString(),
      machine: { cpus: availableParallelism(), model: cpus()[0]?.model, node: process.version },
      settings: { rounds, seconds, chains, concurrency, only: options.only, flowScope, refreshScope, api: api.identifier },
      summaries,
      argon2: { alone: argon2Runs, singleVerify },
      signInCeiling,
      targets,
      runs,
      failure,
      profiles,
    },
    null,
    2,
  )}\n`,
);
for (const [kind, spots] of Object.entries(profiles)) {
  console.log(`\nPortcullis CPU profile under ${kind} (${spots.dir}); main thread busy ${spots.busyPercent}% of the time.`);
  console.log('Self time by area:');
  for (const area of spots.areas.slice(0, 12)) console.log(`${String(area.selfPercent).padStart(6)}%  ${area.area}`);
  console.log('Self time by function:');
  for (const spot of spots.functions.slice(0, 20)) console.log(`${String(spot.selfPercent).padStart(6)}%  ${spot.function}  ${spot.where}`);
}
console.log(`\nresults: ${relative(root, file)}`);
process.exitCode = failure || targets.some((t) => t.ran && !t.pass) ? 1 : 0;
