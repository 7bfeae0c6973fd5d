/**
 * Server children: each target runs in its own Node process so the load generator never
 * shares its event loop. A child prints one ready line with its URL (servers/child.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { type ReadyMessage, readyMarker } from '../servers/child.ts';

export interface ServerChild {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the ready line. */
  startupMs: number;
  /** The child's exit, if it has exited (a crash during a run is an error). */
  exited(): { code: number | null; signal: string | null } | undefined;
  /** Last lines of the child's output, for error messages. */
  tail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  script: string;
  args?: string[];
  /** Extra node flags, e.g. --cpu-prof. */
  execArgv?: string[];
  readyTimeoutMs?: number;
  env?: Record<string, string>;
}

/** Starts `node <execArgv> <script> <args>` and waits for its ready line. */
export async function spawnServer(options: SpawnOptions): Promise<ServerChild> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...(options.execArgv ?? []), options.script, ...(options.args ?? [])], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', ...options.env },
  });
  const lines: string[] = [];
  const remember = (line: string) => {
    lines.push(line);
    if (lines.length > 40) lines.shift();
  };
  let exit: { code: number | null; signal: string | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    });
  });
  child.stdin?.on('error', () => {});
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', remember);
  const stdout = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const tail = () => lines.join('\n');

  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.script} did not become ready within ${options.readyTimeoutMs ?? 30_000} ms\n${tail()}`));
    }, options.readyTimeoutMs ?? 30_000);
    stdout.on('line', (line) => {
      if (line.startsWith(readyMarker)) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(readyMarker.length)) as ReadyMessage);
      } else remember(line);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.script} exited before it was ready (code ${code}, signal ${signal})\n${tail()}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });

  return {
    url: ready.url,
    pid: child.pid as number,
    startupMs: Math.round(performance.now() - started),
    exited: () => exit,
    tail,
    async stop(graceMs = 5000) {
      if (exit) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exitPromise;
      clearTimeout(timer);
      child.stdin?.destroy();
    },
  };
}

/** CPU seconds (user + system, all threads) a process has used so far; undefined off Linux. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100; // USER_HZ is 100 on Linux.
  } catch {
    return undefined;
  }
}

/** Busy CPU seconds of the whole machine so far (all cores, from /proc/stat); undefined off Linux. */
export function machineBusyCpuSeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] as string;
    // cpu user nice system idle iowait irq softirq steal …
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
  } catch {
    return undefined;
  }
}
