/** Starting and stopping the benchmark's processes: Node children that announce READY, and nginx. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { readyMarker } from './ready.ts';

export interface Child {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/** Runs `node <script>` and waits (at most 30 s) for its READY line. */
export function startNode(script: string, env: Record<string, string> = {}): Promise<Child> {
  const child = spawn(process.execPath, [script], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', ...env },
  });
  const output: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} was not ready within 30 s\n${output.join('\n')}`));
    }, 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith(readyMarker)) return output.push(line);
      clearTimeout(timer);
      resolve({ url: JSON.parse(line.slice(readyMarker.length)).url, pid: child.pid!, stop: stopper(child) });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready\n${output.join('\n')}`));
    });
  });
}

/** The nginx binary, if installed (Debian: `apt-get install -y nginx`). */
export function findNginx(): string | undefined {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {}
  }
  return undefined;
}

/**
 * nginx as a plain reverse proxy to `upstream`, configured the way one would for a fair
 * comparison with a single-threaded Node process: one worker, keep-alive upstream pool, no logs.
 */
export async function startNginx(binary: string, upstream: string, port: number): Promise<Child> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-nginx-'));
  const target = new URL(upstream);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 100000;
  upstream api { server ${target.host}; keepalive 128; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }
  }
}
`,
  );
  const child = spawn(binary, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await fetch(`${url}/`).then((r) => r.arrayBuffer());
      return { url, pid: child.pid!, stop: stopper(child) };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error('nginx did not start');
}

/**
 * CPU seconds (user + system) used so far by a process and its direct children (nginx's
 * workers), from /proc; undefined where /proc is not there. Unlike throughput, CPU per request
 * hardly changes when other processes compete for the machine.
 */
export function cpuSeconds(pid: number): number | undefined {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const read = (id: string) => {
    try {
      const stat = readFileSync(`/proc/${id}/stat`, 'utf8');
      // Fields after the parenthesised command name, which may itself contain spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
    } catch {
      return undefined;
    }
  };
  const own = read(String(pid));
  if (!own) return undefined;
  let ticks = own.ticks;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = read(entry);
    if (child?.ppid === pid) ticks += child.ticks;
  }
  return ticks / ticksPerSecond;
}
