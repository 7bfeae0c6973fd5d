/**
 * `npm run bench:gateway`: the gateway engine with auth off (the ceiling) against the same
 * engine validating JWTs and swapping opaque tokens (phantom token, warm cache), all against one
 * upstream, plus nginx as a plain reverse proxy to that upstream. Targets are interleaved in
 * rounds; ratios are paired per round. Writes bench/results/gateway-<timestamp>.json.
 *
 *   node bench/gateway/run.ts [--rounds 3] [--duration 8] [--warmup 2] [--connections 20] [--pipelining 1] [--only ids] [--strict]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '@portcullis/server/test-support';
import { type LoadSettings, measure, type RunResult } from './load.ts';
import { type Child, cpuSeconds, findNginx, startNginx, startNode } from './processes.ts';
import { type Check, checksTable, pairedDifference, pairedRatio, summarise, table } from './report.ts';
import { type Tokens, tokensFrom } from './tokens.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '20' },
    pipelining: { type: 'string', default: '1' },
    only: { type: 'string' },
    strict: { type: 'boolean', default: false },
  },
  strict: true,
});
const settings: LoadSettings = {
  connections: Number(values.connections),
  pipelining: Number(values.pipelining),
  duration: Number(values.duration),
};
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);

interface Target {
  id: string;
  description: string;
  url: string;
  /** The process whose CPU per request is recorded. */
  pid: number;
  headers: (tokens: Tokens) => Record<string, string>;
}

const children: Child[] = [];
const stopAll = async () => {
  for (const child of children.reverse()) await child.stop().catch(() => {});
};
process.once('SIGINT', () => stopAll().then(() => process.exit(130)));

function gatewaySettings(issuer: string, upstream: string, cacheVerifiedJwts: boolean) {
  return {
    port: 0,
    issuer,
    introspection: { client_id: 'gateway', client_secret: 'gateway-secret-0123456789abcdef' },
    cache: { verified_jwt: cacheVerifiedJwts },
    log: { level: 'warn' },
    routes: [
      { path: '/ceiling/*', upstream, auth: 'none' },
      { path: '/jwt/*', upstream, audience: 'https://api.example.com', scope: 'orders:read', token: 'jwt' },
      { path: '/phantom/*', upstream, audience: 'https://opaque.example.com', scope: 'reports:read', token: 'opaque' },
    ],
  };
}

try {
  const issuer = await startNode(join(here, 'issuer.ts'));
  children.push(issuer);
  const upstream = await startNode(join(here, 'upstream.ts'));
  children.push(upstream);
  const start = (cached: boolean) =>
    startNode(join(here, 'gateway-child.ts'), {
      PORTCULLIS_BENCH_GATEWAY: JSON.stringify(gatewaySettings(issuer.url, upstream.url, cached)),
    });
  const gateway = await start(true);
  children.push(gateway);
  const uncached = await start(false);
  children.push(uncached);
  const nginxBinary = findNginx();
  const nginx = nginxBinary ? await startNginx(nginxBinary, upstream.url, await freePort()) : undefined;
  if (nginx) children.push(nginx);
  else process.stderr.write('nginx not found (Debian: apt-get install -y nginx): its comparison is skipped\n');

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const all: Target[] = [
    {
      id: 'upstream',
      description: 'the upstream directly (reference)',
      url: `${upstream.url}/orders`,
      pid: upstream.pid,
      headers: () => ({}),
    },
    ...(nginx
      ? [
          {
            id: 'nginx',
            description: 'nginx 1 worker, plain reverse proxy',
            url: `${nginx.url}/orders`,
            pid: nginx.pid,
            headers: () => ({}),
          },
        ]
      : []),
    {
      id: 'ceiling',
      description: 'gateway, auth: none (the ceiling)',
      url: `${gateway.url}/ceiling/orders`,
      pid: gateway.pid,
      // The same Authorization header as the jwt target, passed through unchecked: request sizes
      // match, so the difference is the enforcement alone.
      headers: (t) => bearer(t.jwt),
    },
    {
      id: 'jwt',
      description: 'gateway, JWT validated (verified-token cache)',
      url: `${gateway.url}/jwt/orders`,
      pid: gateway.pid,
      headers: (t) => bearer(t.jwt),
    },
    {
      id: 'phantom',
      description: 'gateway, opaque token -> JWT (warm cache)',
      url: `${gateway.url}/phantom/orders`,
      pid: gateway.pid,
      headers: (t) => bearer(t.opaque),
    },
    {
      id: 'jwt-uncached',
      description: 'gateway, JWT signature checked on every request',
      url: `${uncached.url}/jwt/orders`,
      pid: uncached.pid,
      headers: (t) => bearer(t.jwt),
    },
  ];
  const only = values.only?.split(',');
  const targets = only ? all.filter((t) => only.includes(t.id)) : all;

  // Every target must answer 200 before anything is measured.
  const sanityTokens = await tokensFrom(issuer.url);
  for (const target of targets) {
    const response = await fetch(target.url, { headers: target.headers(sanityTokens) });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${target.id} answered ${response.status} before the benchmark`);
  }

  const runs = new Map<string, RunResult[]>(targets.map((t) => [t.id, []]));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round so no target always runs first (or last) on a warm machine.
    const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
    for (const target of order) {
      // Fresh tokens per run: a run must never outlive its token (300 s).
      const tokens = await tokensFrom(issuer.url);
      const headers = target.headers(tokens);
      if (warmup > 0) await measure(target.url, headers, { ...settings, duration: warmup });
      const result = await measure(target.url, headers, settings, () => cpuSeconds(target.pid));
      runs.get(target.id)!.push(result);
      process.stderr.write(
        `round ${round + 1}/${rounds} ${target.id.padEnd(13)} ${result.rps.toFixed(0).padStart(6)} req/s  p99 ${result.latencyMs.p99} ms  errors ${result.errors}\n`,
      );
    }
  }

  const summaries = targets.map((t) => summarise(t.id, t.description, runs.get(t.id)!));
  const byId = Object.fromEntries(summaries.map((s) => [s.id, s]));
  const ceiling = byId.ceiling;
  const checks: Check[] = [];
  if (ceiling) {
    const ratio = (id: string, min: number) => {
      if (!byId[id]) return;
      const value = pairedRatio(byId[id], ceiling, (r) => r.rps);
      checks.push({ name: `${id} throughput / ceiling >= ${min}`, target: id, value, pass: value >= min });
    };
    const addedP99 = (id: string) => {
      if (!byId[id]) return;
      const value = pairedDifference(byId[id], ceiling, (r) => r.latencyMs.p99);
      checks.push({ name: `${id} added p99 latency < 1 ms`, target: id, value, pass: value < 1 });
    };
    ratio('jwt', 0.9);
    ratio('phantom', 0.85);
    addedP99('jwt');
    addedP99('phantom');
  }
  for (const id of ['ceiling', 'jwt', 'phantom']) {
    if (byId[id]) checks.push({ name: `${id} errors = 0`, target: id, value: byId[id].errors, pass: byId[id].errors === 0 });
  }
  const nginxRatio = byId.nginx && ceiling ? pairedRatio(ceiling, byId.nginx, (r) => r.rps) : undefined;
  // CPU per request is the contention-proof view: the share of the ceiling's efficiency kept.
  const cpuEfficiency = Object.fromEntries(
    summaries
      .filter((s) => ceiling && s.cpuUsPerRequest !== undefined && ceiling.cpuUsPerRequest !== undefined)
      .map((s) => [s.id, pairedRatio(ceiling!, s, (r) => r.cpuUsPerRequest ?? Number.NaN)]),
  );

  const timestamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = join(here, '..', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `gateway-${timestamp}.json`);
  // nginx -v prints its version on stderr.
  const nginxVersion = nginxBinary ? spawnSync(nginxBinary, ['-v'], { encoding: 'utf8' }).stderr.trim() || undefined : undefined;
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        benchmark: 'gateway',
        at: new Date().toISOString(),
        machine: {
          cpus: cpus().length,
          model: cpus()[0]?.model,
          loadavg: loadavg(),
          node: process.version,
          nginx: nginxVersion ?? (nginxBinary ? 'installed' : 'absent'),
        },
        settings: { ...settings, rounds, warmup },
        targets: summaries,
        ratios: { gateway_ceiling_over_nginx: nginxRatio, cpu_efficiency_vs_ceiling: cpuEfficiency },
        checks,
      },
      null,
      2,
    )}\n`,
  );

  process.stdout.write(`\n${table(summaries, ceiling)}\n\n${checksTable(checks)}\n`);
  if (nginxRatio !== undefined) process.stdout.write(`gateway ceiling / nginx throughput: ${nginxRatio.toFixed(3)}\n`);
  process.stdout.write(`results: ${file}\n`);
  await stopAll();
  process.exit(values.strict && checks.some((c) => !c.pass) ? 1 : 0);
} catch (error) {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  await stopAll();
  process.exit(1);
}
