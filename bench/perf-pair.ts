/**
 * Where two (or more) token servers spend their CPU, per request, sampled with Linux `perf` in
 * one recording while the load moves between them in 1 s slices: every server meets the
 * machine's fast and slow seconds alike, so their profiles compare even on a host whose speed
 * drifts. Native code (V8, the garbage collector, OpenSSL, SQLite, libc, the kernel) is named by
 * perf; JavaScript through `--perf-basic-prof`, which this adds to each server's node flags.
 *
 *   node bench/perf-pair.ts [--api jwt|opaque] [--slices 8] [--top 25] [--area gc] -- <server> <server> …
 *
 * A server is `[node flags|]script[:arg arg][#path]` (lib/server-spec.ts). Prints µs of CPU per
 * request by area (garbage collection, SQLite, the kernel, …) for each server, then the symbols
 * costing each server most above the first (`--area` keeps one area's). Needs `perf` (Debian's
 * `linux-perf`); the recording is kept in `bench/results/profiles/` (not committed).
 *
 * On 2026-12-07 this showed opaque issuance spending 7.9 µs per token in V8's garbage collector
 * against 2.2 for the bare Fastify route, which led to the cached-access-token-store change.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ServerChild } from './lib/child.ts';
import { runLoad } from './lib/load.ts';
import { parseServerSpec, startTokenServer } from './lib/server-spec.ts';
import type { LoadRequest } from './lib/targets.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    api: { type: 'string', default: 'jwt' },
    slices: { type: 'string', default: '8' },
    top: { type: 'string', default: '25' },
    area: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || positionals.length < 2) {
  process.stdout.write('node bench/perf-pair.ts [--api jwt|opaque] [--slices 8] [--top 25] [--area <area>] -- <server> <server> …\n');
  process.exit(values.help ? 0 : 2);
}

const samplingHz = 1999;
const settings = { connections: 10, pipelining: 1, timeout: 5 };

/** Areas a sample's symbol falls in, tried in order; the first match wins. */
const areas: Array<[string, RegExp]> = [
  [
    'gc',
    /v8::internal::(Concurrent|Mark|Sweep|Scaveng|Heap|Evacuat|Minor|Young|MemoryAllocator|Remembered|SlotSet|BodyDescriptor|HeapObject::SizeFromMap|\w*Visitor)|RecordWrite/,
  ],
  ['sqlite', /sqlite3|walChecksum|[Bb]tree|pager|balance|[Vv]dbe|insertCell|fillInCell|allocateSpace|defragment|[Mm]oveto/],
  ['crypto', /sha256|sha512|SHA256|EVP_|ossl_|OPENSSL|bn_|BN_|ecp_|ECDSA|RAND_/],
  ['malloc', /\b(malloc|free|cfree|_int_malloc|_int_free|unlink_chunk)/],
  ['v8 maps and sets', /Map(Prototype|.*Hash)|OrderedHash/],
  ['v8 megamorphic ICs', /Megamorphic/],
  ['v8 builtins', /^Builtins_/],
];

function areaOf(dso: string, symbol: string): string {
  if (dso.includes('kernel')) return 'kernel';
  if (symbol.startsWith('JS:') || dso.startsWith('/tmp/perf-')) return 'javascript';
  for (const [name, pattern] of areas) if (pattern.test(symbol)) return name;
  return dso.endsWith('/node') ? 'v8 and node (other)' : (dso.split('/').pop() ?? dso);
}

interface Profile {
  areas: Map<string, number>;
  symbols: Map<string, number>;
}

interface Running {
  spec: string;
  child: ServerChild;
  request: LoadRequest;
  completed: number;
  profile: Profile;
}

// Before any server starts: without perf there is nothing to record.
if (spawnSync('perf', ['--version']).error) {
  process.stderr.write('perf is not installed (Debian: apt-get install linux-perf)\n');
  process.exit(1);
}

const api = values.api === 'opaque' ? 'opaque' : 'jwt';
const running: Running[] = [];
try {
  for (const spec of positionals) {
    const { child, request } = await startTokenServer(parseServerSpec(spec), api, ['--perf-basic-prof']);
    running.push({ spec, child, request, completed: 0, profile: { areas: new Map(), symbols: new Map() } });
    await runLoad(request, { ...settings, duration: 2 });
  }
  const dir = 'bench/results/profiles';
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/perf-pair-${new Date().toISOString().replace(/[:.]/g, '-')}.data`;
  const pids = running.map((r) => r.child.pid).join(',');
  const perf = spawn('perf', ['record', '-F', String(samplingHz), '-e', 'cpu-clock', '-o', file, '-p', pids], { stdio: 'ignore' });
  const exited = new Promise((resolve) => perf.once('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (let slice = 0; slice < Number(values.slices); slice++) {
    for (const server of slice % 2 ? [...running].reverse() : running) {
      const result = await runLoad(server.request, { ...settings, duration: 1 });
      if (result.errors || result.timeouts || result.non2xx) throw new Error(`${server.spec}: the load failed`);
      server.completed += result.completed;
    }
  }
  perf.kill('SIGINT');
  await exited;
  report(file);
} finally {
  for (const server of running) await server.child.stop();
}

/** Reads the recording back and prints µs per request by area and by symbol. */
function report(file: string): void {
  const script = spawnSync('perf', ['script', '-i', file, '-F', 'pid,ip,sym,dso'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const byPid = new Map(running.map((r) => [r.child.pid, r]));
  const add = (map: Map<string, number>, key: string, micros: number) => map.set(key, (map.get(key) ?? 0) + micros);
  for (const line of script.stdout.split('\n')) {
    const sample = /^\s*(\d+)\s+\S+\s+(.*?)\s+\((.*)\)\s*$/.exec(line);
    if (!sample) continue;
    const server = byPid.get(Number(sample[1]));
    if (!server) continue;
    const [symbol, dso] = [sample[2] as string, sample[3] as string];
    const micros = 1e6 / samplingHz / server.completed;
    const { profile } = server;
    const area = areaOf(dso, symbol);
    add(profile.areas, area, micros);
    add(profile.symbols, `${area} | ${symbol}`, micros);
  }
  const profiles = running.map((r) => r.profile);
  const first = profiles[0] as Profile;
  const names = [...first.areas.keys()].sort((a, b) => (first.areas.get(b) ?? 0) - (first.areas.get(a) ?? 0));
  for (const profile of profiles) for (const name of profile.areas.keys()) if (!names.includes(name)) names.push(name);
  const cell = (n: number) => n.toFixed(2).padStart(10);
  process.stdout.write(
    `\nCPU µs per request by area (${running.map((r, i) => `${i + 1}: ${r.spec}, ${r.completed} requests`).join('; ')})\n`,
  );
  process.stdout.write(`${'area'.padEnd(22)}${running.map((_, i) => String(i + 1).padStart(10)).join('')}\n`);
  for (const name of names) process.stdout.write(`${name.padEnd(22)}${profiles.map((p) => cell(p.areas.get(name) ?? 0)).join('')}\n`);
  const total = (p: Profile) => [...p.areas.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(`${'total'.padEnd(22)}${profiles.map((p) => cell(total(p))).join('')}\n`);
  profiles.slice(1).forEach((profile, i) => {
    const symbols = [...new Set([...profile.symbols.keys(), ...first.symbols.keys()])]
      .filter((s) => !values.area || s.startsWith(`${values.area} |`))
      .map((s): [string, number] => [s, (profile.symbols.get(s) ?? 0) - (first.symbols.get(s) ?? 0)])
      .sort((a, b) => b[1] - a[1])
      .slice(0, Number(values.top));
    process.stdout.write(`\nµs per request that server ${i + 2} spends above server 1, by symbol\n`);
    for (const [symbol, excess] of symbols) process.stdout.write(`${cell(excess)}  ${symbol.slice(0, 120)}\n`);
  });
  process.stdout.write(`\nrecording: ${file}\n`);
}
