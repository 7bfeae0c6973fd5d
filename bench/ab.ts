/**
 * A/B of token-endpoint servers: measures what a change costs per request, to the microsecond,
 * where `npm run bench` measures the targets against their peers.
 *
 *   node bench/ab.ts [--rounds 16] [--warmup 2] [--duration 3] [--api jwt|opaque] -- <server> <server> …
 *
 * A server is `[node flags|]script[:arg arg][#path]` (lib/server-spec.ts): the ceiling, this
 * checkout's `bench/servers/portcullis.ts`, a second checkout's at the commit before a change. The
 * token endpoint is found by discovery unless `#path` names it.
 *
 * Every run starts a fresh server: a server process keeps its speed for its life (its memory
 * layout, its code's placement), and two processes of one tree differed by up to 8 µs per request
 * here (2026-12-06), so a comparison of two long-lived servers measures those two processes, not
 * the two trees. Rounds rotate and reverse the order, as `npm run bench` does. Each server is
 * compared with the first by the median of its paired per-round differences of server CPU per
 * request (all its threads) and of paired req/s ratios.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { processCpuSeconds } from './lib/child.ts';
import { runLoad } from './lib/load.ts';
import { median } from './lib/report.ts';
import { parseServerSpec, type ServerSpec, startTokenServer } from './lib/server-spec.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '16' },
    warmup: { type: 'string', default: '2' },
    duration: { type: 'string', default: '3' },
    api: { type: 'string', default: 'jwt' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || positionals.length < 2) {
  process.stdout.write('node bench/ab.ts [--rounds 16] [--warmup 2] [--duration 3] [--api jwt|opaque] -- <server> <server> …\n');
  process.exit(values.help ? 0 : 2);
}

interface Measured {
  cpuMicros: number;
  requestsPerSecond: number;
}

/** One run: a fresh server, warmed up, then measured. */
async function measure(server: ServerSpec): Promise<Measured> {
  const { child, request } = await startTokenServer(server, values.api === 'opaque' ? 'opaque' : 'jwt');
  try {
    const settings = { connections: 10, pipelining: 1, timeout: 5 };
    await runLoad(request, { ...settings, duration: Number(values.warmup) });
    const before = processCpuSeconds(child.pid) ?? 0;
    const result = await runLoad(request, { ...settings, duration: Number(values.duration) });
    const after = processCpuSeconds(child.pid) ?? 0;
    if (result.errors || result.timeouts || result.non2xx) {
      throw new Error(`${server.spec}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`);
    }
    return { cpuMicros: ((after - before) * 1e6) / result.completed, requestsPerSecond: result.requestsPerSecond };
  } finally {
    await child.stop();
  }
}

const servers = positionals.map(parseServerSpec);
const runs = servers.map((): Measured[] => []);
const rounds = Number(values.rounds);
for (let round = 0; round < rounds; round++) {
  const shift = round % servers.length;
  const rotated = [...servers.keys()].map((i) => (i + shift) % servers.length);
  for (const i of round % 2 ? rotated.reverse() : rotated) runs[i]?.push(await measure(servers[i] as ServerSpec));
  const line = runs.map((r) => `${(r.at(-1) as Measured).cpuMicros.toFixed(1)} µs`).join(' | ');
  process.stdout.write(`round ${round + 1}/${rounds}: ${line}\n`);
}

// Runs are pushed in round order, so index r of every server is round r.
const base = runs[0] as Measured[];
const quartiles = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return [sorted[Math.floor(sorted.length / 4)] as number, sorted[Math.floor((3 * sorted.length) / 4)] as number];
};
const summary = servers.map((server, i) => {
  const own = runs[i] as Measured[];
  const differences = own.map((run, r) => run.cpuMicros - (base[r] as Measured).cpuMicros);
  const ratios = own.map((run, r) => run.requestsPerSecond / (base[r] as Measured).requestsPerSecond);
  return {
    server: server.spec,
    cpuMicrosPerRequest: median(own.map((run) => run.cpuMicros)),
    pairedCpuDifference: median(differences),
    pairedCpuDifferenceQuartiles: quartiles(differences),
    pairedRequestRatio: median(ratios),
  };
});
process.stdout.write('\nserver CPU µs/request (median) | paired difference from the first (median, quartiles) | paired req/s ratio\n');
for (const s of summary) {
  const [q1, q3] = s.pairedCpuDifferenceQuartiles.map((q) => q.toFixed(1));
  process.stdout.write(
    `${s.cpuMicrosPerRequest.toFixed(1).padStart(6)} | ${s.pairedCpuDifference.toFixed(1).padStart(5)} (${q1}..${q3}) | ${s.pairedRequestRatio.toFixed(3)}  ${s.server}\n`,
  );
}
const file = `bench/results/ab-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, `${JSON.stringify({ settings: values, servers: positionals, runs, summary }, null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
