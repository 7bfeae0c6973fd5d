/**
 * Child processes of the people benchmark: each server (and the argon2 measurement) runs in its
 * own Node process, so the load generator never shares its event loop. A child prints one ready
 * line with JSON; it exits on SIGTERM or when its stdin closes (the parent is gone).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export const readyMarker = 'PEOPLE_BENCH_READY ';

/** In a child: announce readiness, and arrange to exit when told to or when the parent is gone. */
export function announceReady(message: Record<string, unknown>, stop: () => Promise<void> = async () => {}): void {
  let stopping = false;
  const exit = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), 3000).unref();
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', exit);
  process.on('SIGINT', exit);
  process.stdin.on('end', exit);
  process.stdin.on('error', exit);
  process.stdin.resume();
  process.stdout.write(`${readyMarker}${JSON.stringify(message)}\n`);
}

export interface Child<T> {
  ready: T;
  pid: number;
  /** Last lines the child printed (for error messages). */
  tail(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

/** Starts `node <execArgv> <script> <args>` and waits for its ready line. */
export async function startChild<T>(script: string, args: string[] = [], execArgv: string[] = [], timeoutMs = 60_000): Promise<Child<T>> {
  const child: ChildProcess = spawn(process.execPath, [...execArgv, script, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const lines: string[] = [];
  const remember = (line: string) => {
    lines.push(line);
    if (lines.length > 30) lines.shift();
  };
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.stdin?.on('error', () => {});
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', remember);
  const stdout = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const tail = () => lines.join('\n');
  const ready = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} was not ready within ${timeoutMs} ms\n${tail()}`));
    }, timeoutMs);
    stdout.on('line', (line) => {
      if (line.startsWith(readyMarker)) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(readyMarker.length)) as T);
      } else remember(line);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before it was ready (code ${code}, signal ${signal})\n${tail()}`));
    });
  });
  return {
    ready,
    pid: child.pid as number,
    tail,
    exited: () => exited,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 8000);
      await gone;
      clearTimeout(force);
      child.stdin?.destroy();
    },
  };
}

/**
 * CPU seconds (user + system) a process has used so far, all threads, or one thread (a process's
 * main thread has the process's id); undefined off Linux.
 */
export function cpuSeconds(pid: number, thread?: number): number | undefined {
  try {
    const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
