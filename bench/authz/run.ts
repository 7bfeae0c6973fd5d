/**
 * `npm run bench:authz`: the permission service on a store of 1,000,000 generated tuples, on
 * SQLite and PostgreSQL, in process (FgaService) and over HTTP (the real server started by the
 * CLI, autocannon in this process); node-casbin on the same data; a bare Fastify route as the
 * HTTP ceiling. Each side runs in its own child process. Writes bench/results/authz-<time>.json
 * and prints a table with the targets' PASS/FAIL.
 *
 *   node bench/authz/run.ts [--databases sqlite,postgres] [--no-casbin] [--duration 4] [--warmup 2] [--rounds 6]
 *                           [--connections 10] [--quick]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { stringify } from 'yaml';
import { median } from '../lib/report.ts';
import { type CaseName, dataset } from './dataset.ts';
import { freePort, type HttpMeasurement, load, repoRoot, runJsonChild, spawnChild, waitReady } from './http.ts';
import type { Measurement } from './measure.ts';

const { values } = parseArgs({
  options: {
    databases: { type: 'string', default: 'sqlite,postgres' },
    'no-casbin': { type: 'boolean', default: false },
    duration: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '6' },
    quick: { type: 'boolean', default: false },
  },
  strict: true,
});

const postgresAdmin = process.env.PORTCULLIS_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const cases: CaseName[] = ['direct', 'userset', 'ttu3'];
const caseLabels: Record<CaseName, string> = { direct: 'direct', userset: 'userset', ttu3: '3-level TTU' };
const rounds = Math.max(1, Number(values.rounds));
const http = { connections: Number(values.connections), duration: Number(values.duration), warmup: Number(values.warmup) };
const inProcessOptions = values.quick ? { latencyIterations: 1000, latencyMs: 2000, throughputMs: 1000 } : {};
const apiKey = `bench-${Math.random().toString(36).slice(2)}-key-0123456789`;
const started = Date.now();
const log = (message: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);

interface InProcessResult {
  checks: Record<CaseName, Measurement>;
  listObjects: Record<
    'typical' | 'wide',
    { user: string; objects: number; firstPage: number; continued: boolean; page: Measurement; streamed: Measurement }
  >;
}

interface DatabaseResult {
  database: 'sqlite' | 'postgres';
  load: { tuples: number; seconds: number };
  inProcess: InProcessResult;
  /** The server as configured by default: the store held in memory (`fga.memory_tuples`). */
  http: Record<CaseName, HttpMeasurement>;
  /** How long the server took to load the store into memory, and what it held then. */
  memory: MemoryLoad;
  /** Not a target: the same server with `fga.memory_tuples: 0`, reading the database through its caches. */
  httpDatabase: Record<CaseName, HttpMeasurement>;
  /**
   * Not a target: Portcullis' check route sent one body over and over (a store in memory
   * answers it by a few map lookups; the database path, from its check cache). What the HTTP
   * layer, authentication and the service cost: about the most any case could reach here.
   */
  httpCached: HttpMeasurement;
  /** The ceiling: the bare route's median over every run of it (shown, not what targets compare). */
  bareFastify: HttpMeasurement;
  /** Every round of the in-memory server's cases, and the bare route's run beside each (what targets compare). */
  httpRounds: Record<CaseName, HttpMeasurement[]>;
  bareBeside: Record<CaseName, HttpMeasurement[]>;
}

interface MemoryLoad {
  seconds: number;
  tuples: number;
  /** The server's resident memory before the store was loaded and once it was, in MiB. */
  rssBeforeMiB: number;
  rssAfterMiB: number;
}

/** A gauge's value in a Prometheus text exposition. */
function gauge(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Sends one check (the store's first read starts its load) and waits until the server holds it in memory. */
async function waitInMemory(url: string, storeId: string, body: string): Promise<MemoryLoad> {
  const metrics = async () => (await fetch(`${url}/metrics`)).text();
  const rssBefore = gauge(await metrics(), 'portcullis_process_resident_memory_bytes') ?? 0;
  const started = performance.now();
  await fetch(`${url}/fga/stores/${storeId}/check`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body,
  });
  for (;;) {
    const text = await metrics();
    if (gauge(text, 'portcullis_fga_memory_stores{state="ready"}') === 1) {
      const load = {
        seconds: (performance.now() - started) / 1000,
        tuples: gauge(text, 'portcullis_fga_memory_tuples') ?? 0,
        rssBeforeMiB: rssBefore / 2 ** 20,
        rssAfterMiB: (gauge(text, 'portcullis_process_resident_memory_bytes') ?? 0) / 2 ** 20,
      };
      log(
        `  store in memory: ${load.tuples.toLocaleString('en-US')} tuples in ${load.seconds.toFixed(1)} s, resident ${load.rssBeforeMiB.toFixed(0)} → ${load.rssAfterMiB.toFixed(0)} MiB`,
      );
      return load;
    }
    if (performance.now() - started > 300_000) throw new Error('the store was not held in memory within 300 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A fresh database of the given kind, and how to drop it. */
async function createDatabase(kind: 'sqlite' | 'postgres'): Promise<{ url: string; drop: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-authz-bench-'));
    return { url: `sqlite:${join(dir, 'bench.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `portcullis_bench_authz_${Date.now().toString(36)}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: postgresAdmin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(postgresAdmin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Check bodies for a case, distinct requests in turn (more than the check cache holds). */
function checkBodies(name: CaseName, modelId: string): string[] {
  return dataset()
    .cases[name].slice(0, 20_000)
    .map((tuple_key) => JSON.stringify({ authorization_model_id: modelId, tuple_key }));
}

/** Each round's ratio of a case to the bare route's run beside it. */
function pairRatios(d: DatabaseResult, name: CaseName): number[] {
  return d.httpRounds[name].map((m, i) => m.requestsPerSecond / (d.bareBeside[name][i]?.requestsPerSecond ?? Number.NaN));
}

/** The run with the median rate, its errors counted over every run. */
function medianRun(runs: HttpMeasurement[]): HttpMeasurement {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  const middle = sorted[Math.floor(sorted.length / 2)] as HttpMeasurement;
  return { ...middle, errors: runs.reduce((n, r) => n + r.errors, 0), non2xx: runs.reduce((n, r) => n + r.non2xx, 0) };
}

interface HttpRounds {
  cases: Record<CaseName, HttpMeasurement>;
  /** Every round's measurement, per case. */
  rounds: Record<CaseName, HttpMeasurement[]>;
  /** The bare route's run beside each of them (with a ceiling). */
  beside: Record<CaseName, HttpMeasurement[]>;
  ceiling?: HttpMeasurement;
  cached?: HttpMeasurement;
}

/**
 * The check cases over HTTP in `rounds`; with `ceilingUrl`, each case's run is paired with a run
 * of the bare route right beside it (before it in odd rounds, after it in even ones). The bare
 * route keeps both cores busy (it and autocannon each take about one), so its rate follows
 * whatever else the machine is doing from one moment to the next; a ceiling measured seconds
 * away from its case, or one median against another, compared different moments (one run of
 * identical code passed on one database and failed on the other, 51 % against 38 %). Targets
 * compare each pair, then take the median over rounds. Warm-up only in the first round.
 */
async function measureHttp(
  url: string,
  modelId: string,
  storeId: string,
  options: { rounds: number; ceilingUrl?: string; withCached: boolean },
): Promise<HttpRounds> {
  const runs = { direct: [], userset: [], ttu3: [] } as HttpRounds['rounds'];
  const beside = { direct: [], userset: [], ttu3: [] } as HttpRounds['beside'];
  const bodies = { direct: checkBodies('direct', modelId), userset: checkBodies('userset', modelId), ttu3: checkBodies('ttu3', modelId) };
  const bareBodies = checkBodies('direct', 'x');
  for (const name of cases) {
    // Every case is granted: a few requests are checked before the load runs.
    for (const body of bodies[name].slice(0, 5)) {
      const response = await fetch(`${url}/fga/stores/${storeId}/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body,
      });
      const answer = (await response.json()) as { allowed?: boolean };
      if (!answer.allowed) throw new Error(`HTTP ${name}: ${body} answered ${response.status} ${JSON.stringify(answer)}`);
    }
  }
  // The bare route warms up once, before the first round.
  if (options.ceilingUrl) await load(`${options.ceilingUrl}/fga/stores/x/check`, bareBodies, { ...http, duration: http.warmup, warmup: 0 });
  for (let round = 1; round <= options.rounds; round++) {
    const settings = { ...http, warmup: round === 1 ? http.warmup : 0 };
    for (const name of cases) {
      const bare = async () => {
        if (!options.ceilingUrl) return '';
        const result = await load(`${options.ceilingUrl}/fga/stores/x/check`, bareBodies, { ...http, warmup: 0 });
        beside[name].push(result);
        return `, bare beside ${result.requestsPerSecond.toFixed(0)} req/s`;
      };
      const before = round % 2 === 1 ? await bare() : '';
      const result = await load(`${url}/fga/stores/${storeId}/check`, bodies[name], {
        ...settings,
        headers: { authorization: `Bearer ${apiKey}` },
      });
      runs[name].push(result);
      const after = round % 2 === 0 ? await bare() : '';
      log(`  round ${round} HTTP ${name}: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99} ms${before}${after}`);
    }
  }
  const results = { direct: medianRun(runs.direct), userset: medianRun(runs.userset), ttu3: medianRun(runs.ttu3) };
  const ceiling = options.ceilingUrl ? medianRun(cases.flatMap((name) => beside[name])) : undefined;
  if (!options.withCached) return { cases: results, rounds: runs, beside, ceiling };
  const cached = await load(`${url}/fga/stores/${storeId}/check`, bodies.direct.slice(0, 1), {
    ...http,
    headers: { authorization: `Bearer ${apiKey}` },
  });
  log(`  HTTP one repeated check: ${cached.requestsPerSecond.toFixed(0)} req/s`);
  return { cases: results, rounds: runs, beside, ceiling, cached };
}

/** The bare Fastify ceiling as a child process, left running while the server is measured. */
async function startBareFastify(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawnChild(['bench/authz/bare-fastify.ts', String(port)]);
  await waitReady(`http://127.0.0.1:${port}/healthz`, child);
  return { url: `http://127.0.0.1:${port}`, stop: () => child.stop() };
}

async function benchDatabase(kind: 'sqlite' | 'postgres'): Promise<DatabaseResult> {
  log(`${kind}: creating the database and loading 1,000,000 tuples`);
  const database = await createDatabase(kind);
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-authz-bench-server-'));
  try {
    const loaded = await runJsonChild<{ storeId: string; modelId: string; tuples: number; seconds: number }>([
      'bench/authz/load.ts',
      database.url,
    ]);
    log(`${kind}: loaded ${loaded.tuples.toLocaleString('en-US')} tuples in ${loaded.seconds.toFixed(0)} s; measuring in process`);
    const inProcess = await runJsonChild<InProcessResult>([
      'bench/authz/in-process.ts',
      database.url,
      loaded.storeId,
      loaded.modelId,
      JSON.stringify(inProcessOptions),
    ]);

    log(`${kind}: HTTP: the server started by the CLI, in rounds with the bare Fastify ceiling`);
    /** Starts the server with `fga` settings over the defaults, runs `measure` against it, stops it. */
    const withServer = async <T>(fga: Record<string, unknown>, measure: (url: string) => Promise<T>): Promise<T> => {
      const port = await freePort();
      const config = join(dir, 'portcullis.yaml');
      writeFileSync(
        config,
        stringify({
          port,
          issuer: `http://127.0.0.1:${port}`,
          database: database.url,
          data_dir: dir,
          log: { level: 'warn' },
          keys: { encryption_key: 'bench-key-encryption-key-0123456789' },
          fga: { preshared_keys: apiKey, ...fga },
        }),
      );
      const server = spawnChild(['packages/cli/bin/portcullis.js', 'start', '--config', config]);
      try {
        await waitReady(`http://127.0.0.1:${port}/healthz`, server);
        return await measure(`http://127.0.0.1:${port}`);
      } finally {
        await server.stop();
      }
    };
    log(`${kind}: the server with its defaults (the store held in memory)`);
    const ceiling = await startBareFastify();
    const { memory, results } = await withServer({}, async (url) => {
      const memory = await waitInMemory(url, loaded.storeId, checkBodies('direct', loaded.modelId)[0] as string);
      return {
        memory,
        results: await measureHttp(url, loaded.modelId, loaded.storeId, { rounds, ceilingUrl: ceiling.url, withCached: true }),
      };
    }).finally(() => ceiling.stop());
    log(`${kind}: the server with fga.memory_tuples: 0 (database reads through the caches; no target)`);
    const fromDatabase = await withServer({ memory_tuples: 0 }, (url) =>
      measureHttp(url, loaded.modelId, loaded.storeId, { rounds: 1, withCached: false }),
    );
    return {
      database: kind,
      load: { tuples: loaded.tuples, seconds: loaded.seconds },
      inProcess,
      http: results.cases,
      memory,
      httpDatabase: fromDatabase.cases,
      httpCached: results.cached as HttpMeasurement,
      bareFastify: results.ceiling as HttpMeasurement,
      httpRounds: results.rounds,
      bareBeside: results.beside,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  }
}

interface CasbinResult {
  loadSeconds: number;
  checks: Record<CaseName, Measurement>;
}

interface Verdict {
  target: string;
  value: string;
  pass: boolean;
}

function verdicts(databases: DatabaseResult[], casbin: CasbinResult | undefined): Verdict[] {
  const out: Verdict[] = [];
  const sqlite = databases.find((d) => d.database === 'sqlite');
  if (sqlite) {
    for (const [name, limit] of [
      ['direct', 1],
      ['userset', 1],
      ['ttu3', 5],
    ] as const) {
      const p99 = sqlite.inProcess.checks[name].p99;
      out.push({
        target: `in-process ${caseLabels[name]} check p99 < ${limit} ms (SQLite)`,
        value: `${p99.toFixed(3)} ms`,
        pass: p99 < limit,
      });
    }
  }
  for (const d of databases)
    for (const name of cases) {
      const pairs = pairRatios(d, name);
      const ratio = median(pairs);
      const clean = d.http[name].errors === 0 && d.http[name].non2xx === 0;
      out.push({
        target: `HTTP ${caseLabels[name]} check ≥ 50% of bare Fastify (${d.database})`,
        value: `${(ratio * 100).toFixed(0)}% (median of rounds, each against the bare run beside it: ${pairs.map((r) => `${(r * 100).toFixed(0)}%`).join(', ')}; median rates ${d.http[name].requestsPerSecond.toFixed(0)} / ${d.bareFastify.requestsPerSecond.toFixed(0)} req/s)${clean ? '' : ' with errors'}`,
        pass: ratio >= 0.5 && clean,
      });
    }
  if (casbin)
    for (const d of databases)
      for (const name of cases) {
        const ours = d.inProcess.checks[name].throughput;
        const theirs = casbin.checks[name].throughput;
        out.push({
          target: `in-process ${caseLabels[name]} throughput ≥ casbin (${d.database})`,
          value: `${ours.toFixed(0)} vs ${theirs < 10 ? theirs.toFixed(2) : theirs.toFixed(0)} checks/s`,
          pass: ours >= theirs,
        });
      }
  return out;
}

function table(databases: DatabaseResult[], casbin: CasbinResult | undefined, checks: Verdict[]): string {
  const rows: string[][] = [['side', 'case', 'p50 ms', 'p99 ms', 'throughput /s']];
  const f = (n: number, digits = 3) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
  for (const d of databases) {
    for (const name of cases) {
      const m = d.inProcess.checks[name];
      rows.push([`in-process ${d.database}`, caseLabels[name], f(m.p50), f(m.p99), f(m.throughput, 0)]);
    }
    for (const name of cases) {
      const m = d.http[name];
      rows.push([`HTTP ${d.database}`, `${caseLabels[name]} (store in memory)`, f(m.p50, 0), f(m.p99, 0), f(m.requestsPerSecond, 0)]);
    }
    for (const name of cases) {
      const m = d.httpDatabase[name];
      rows.push([`HTTP ${d.database}`, `${caseLabels[name]} (database reads)`, f(m.p50, 0), f(m.p99, 0), f(m.requestsPerSecond, 0)]);
    }
    for (const [label, m] of [
      ['one repeated check', d.httpCached],
      ['bare Fastify route (median of its runs)', d.bareFastify],
    ] as const)
      rows.push([`HTTP ${d.database}`, label, f(m.p50, 0), f(m.p99, 0), f(m.requestsPerSecond, 0)]);
    for (const which of ['typical', 'wide'] as const) {
      const l = d.inProcess.listObjects[which];
      rows.push([
        `list-objects ${d.database}`,
        `${which}: ${l.objects.toLocaleString('en-US')} of 100,000 (first page)`,
        f(l.page.p50, 1),
        f(l.page.p99, 1),
        '',
      ]);
      rows.push([
        `list-objects ${d.database}`,
        `${which}: all ${l.objects.toLocaleString('en-US')}, streamed`,
        f(l.streamed.p50, 1),
        f(l.streamed.p99, 1),
        '',
      ]);
    }
  }
  if (casbin)
    for (const name of cases) {
      const m = casbin.checks[name];
      rows.push([
        'casbin in-process',
        caseLabels[name],
        f(m.p50, 2),
        f(m.p99, 2),
        m.throughput < 10 ? f(m.throughput, 2) : f(m.throughput, 0),
      ]);
    }
  const memoryLines = databases.map(
    (d) =>
      `${d.database}: the server held ${d.memory.tuples.toLocaleString('en-US')} tuples in memory after ${d.memory.seconds.toFixed(1)} s (resident ${d.memory.rssBeforeMiB.toFixed(0)} → ${d.memory.rssAfterMiB.toFixed(0)} MiB)`,
  );
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: string[]) => r.map((c, i) => (i >= 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ');
  const verdictLines = checks.map((v) => `${v.pass ? 'PASS' : 'FAIL'}  ${v.target}: ${v.value}`);
  return `${[line(rows[0] ?? []), ...rows.slice(1).map(line)].join('\n')}\n\n${memoryLines.join('\n')}\n\n${verdictLines.join('\n')}\n`;
}

const load1 = loadavg()[0] ?? 0;
log(`node ${process.versions.node}, ${cpus().length} cores, load average ${load1.toFixed(2)}`);
if (load1 > 1) log('warning: the machine is busy; figures will be noisy (compare ratios within this run)');

const databases: DatabaseResult[] = [];
for (const kind of values.databases.split(',').map((s) => s.trim()) as Array<'sqlite' | 'postgres'>)
  databases.push(await benchDatabase(kind));
let casbin: CasbinResult | undefined;
if (!values['no-casbin']) {
  log('casbin: loading the same data as rules and enforcing in process');
  casbin = await runJsonChild<CasbinResult>(['bench/authz/casbin.ts', JSON.stringify(values.quick ? { latencyMs: 3000 } : {})]);
}
const checks = verdicts(databases, casbin);
const record = {
  kind: 'authz',
  date: new Date().toISOString(),
  node: process.versions.node,
  cpus: cpus().length,
  loadAverageAtStart: load1,
  settings: { http, inProcess: inProcessOptions, tuples: 1_000_000 },
  databases,
  casbin,
  targets: checks,
  seconds: (Date.now() - started) / 1000,
};
const resultsDir = join(repoRoot, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `authz-${record.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
process.stdout.write(`\n${table(databases, casbin, checks)}\nresults: ${file} (${record.seconds.toFixed(0)} s)\n`);
