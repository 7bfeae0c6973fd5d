/** HTTP side of the permission benchmark: child servers and autocannon with rotating request bodies. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import autocannon, { type Options, type Result } from 'autocannon';

export interface HttpMeasurement {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  completed: number;
  errors: number;
  non2xx: number;
}

export const repoRoot = resolve(import.meta.dirname, '../..');
export const node = process.execPath;

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A child process that is stopped (SIGTERM, then SIGKILL) when done. */
export interface Child {
  process: ChildProcess;
  stop(): Promise<void>;
}

export function spawnChild(args: string[], options: { stdout?: 'pipe' | 'ignore' } = {}): Child {
  const child = spawn(node, args, { cwd: repoRoot, stdio: ['ignore', options.stdout ?? 'ignore', 'inherit'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers 200 (or the child dies, or `timeoutMs` passes). */
export async function waitReady(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${url}: the server exited with ${child.process.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} was not ready within ${timeoutMs / 1000} s`);
}

/** Runs a child that prints one JSON line on stdout and exits. */
export async function runJsonChild<T>(args: string[]): Promise<T> {
  const child = spawn(node, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop() as string) as T;
}

/**
 * autocannon POSTing `bodies` in turn (each connection takes the next one), for `duration`
 * seconds after an unmeasured warm-up: `warmup` seconds, and at least one pass over every body
 * (a server's first sight of each object maps its pages and fills its caches, which a server
 * that has been up for a while has done; the measured passes then show its steady state).
 */
export async function load(
  url: string,
  bodies: string[],
  settings: { connections: number; duration: number; warmup: number; headers?: Record<string, string> },
): Promise<HttpMeasurement> {
  let next = 0;
  const run = (limit: { duration: number } | { amount: number }) => {
    const duration = 'duration' in limit ? limit.duration : 600;
    const options = {
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...settings.headers },
      connections: settings.connections,
      ...limit,
      timeout: 10,
      requests: [
        {
          setupRequest: (request: Record<string, unknown>) => ({ ...request, body: bodies[next++ % bodies.length] }),
        },
      ],
    } as unknown as Options;
    const instance = autocannon(options);
    const watchdog = setTimeout(() => instance.stop(), (duration + 20) * 1000);
    return Promise.resolve(instance).finally(() => clearTimeout(watchdog)) as Promise<Result>;
  };
  if (settings.warmup > 0) {
    const started = Date.now();
    await run({ amount: Math.max(bodies.length, settings.connections * 100) });
    const left = settings.warmup - (Date.now() - started) / 1000;
    if (left >= 1) await run({ duration: Math.round(left) });
  }
  const result = await run({ duration: settings.duration });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    completed: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
