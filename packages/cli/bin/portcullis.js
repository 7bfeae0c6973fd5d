#!/usr/bin/env node
// The CLI runs its TypeScript sources directly, which needs Node >= 22.12 (type stripping
// without a flag from 23.6). On an older system Node, re-run under the Node pinned by the
// checkout's `node` devDependency.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
const here = dirname(fileURLToPath(import.meta.url));
if (major < 23 || (major === 23 && minor < 6)) {
  let dir = here;
  let pinned;
  while (dir !== dirname(dir)) {
    const candidate = join(dir, 'node_modules', 'node', 'bin', 'node');
    if (existsSync(candidate)) {
      pinned = candidate;
      break;
    }
    dir = dirname(dir);
  }
  if (!pinned) {
    process.stderr.write(`portcullis needs Node.js 24 (found ${process.versions.node}); run npm install in the checkout\n`);
    process.exit(1);
  }
  const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // Pass stop signals on, so stopping the wrapper stops the server it started (graceful shutdown).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  const { main } = await import('../src/main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
