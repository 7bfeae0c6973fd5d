/**
 * Summarises a V8 CPU profile (`--cpu-prof`, as `node bench/run.ts --profile` writes for the
 * Portcullis children): the functions with the most self time, the most inclusive time, and
 * self time by area (a workspace package's file, an npm package, a Node internal module).
 *
 *   node bench/profile.ts <file.cpuprofile> [--top 25] [--match <substring>]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, match: { type: 'string' } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: node bench/profile.ts <file.cpuprofile> [--top 25] [--match <substring>]\n');
  process.exit(2);
}
const top = Number(values.top);
const profile = JSON.parse(readFileSync(positionals[0] as string, 'utf8')) as CpuProfile;

// Self time per node from the sample stream (microseconds).
const selfUs = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i] as number;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const root = profile.nodes.find((n) => !parent.has(n.id)) as ProfileNode;

function shortUrl(url: string): string {
  const packages = url.indexOf('/packages/');
  if (packages >= 0) return url.slice(packages + 1);
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  return url.replace(/^file:\/\//, '');
}

function keyOf(frame: CallFrame): string {
  if (!frame.url) return frame.functionName || '(anonymous)';
  return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName}`;
  if (url.startsWith('node:')) return url;
  const packages = url.match(/\/packages\/([^/]+)\/src\/(.+)$/);
  if (packages) return `@portcullis/${packages[1]} ${packages[2]}`;
  const modules = url.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g);
  if (modules) return (modules.at(-1) as string).replace(/^\/node_modules\//, '').replace(/\/$/, '');
  return shortUrl(url);
}

const self = new Map<string, number>();
const areas = new Map<string, number>();
const inclusive = new Map<string, number>();
// Inclusive time: every sample counts once for each distinct function on its stack.
for (const [id, us] of selfUs) {
  const node = byId.get(id) as ProfileNode;
  self.set(keyOf(node.callFrame), (self.get(keyOf(node.callFrame)) ?? 0) + us);
  areas.set(areaOf(node.callFrame), (areas.get(areaOf(node.callFrame)) ?? 0) + us);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined && at !== root.id; at = parent.get(at)) {
    const key = keyOf((byId.get(at) as ProfileNode).callFrame);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}

const idle = self.get('(idle)') ?? 0;
const busy = total - idle;
function print(title: string, entries: Map<string, number>, filter: (key: string) => boolean = () => true): void {
  process.stdout.write(`\n${title}\n`);
  const rows = [...entries].filter(([key]) => filter(key) && key !== '(idle)').sort((a, b) => b[1] - a[1]);
  for (const [key, us] of rows.slice(0, top)) {
    process.stdout.write(`${((us / busy) * 100).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}\n`);
  }
}

process.stdout.write(
  `${positionals[0]}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (percentages are of busy time)\n`,
);
const match = values.match;
print('self time by area', areas);
print('self time by function', self, match ? (key) => key.includes(match) : undefined);
print('inclusive time by function', inclusive, match ? (key) => key.includes(match) : undefined);
