/**
 * What one opaque access token's INSERT costs the server's main thread on the embedded
 * database: its CPU time (`process.threadCpuUsage`, so a writer thread's work is not counted)
 * and the time its event loop is busy (node:sqlite is synchronous: for the raw variants that is
 * all of the wall time; with a writer thread the loop is free while the worker commits). The
 * schema is Portcullis' own (the store's migrations on a fresh file), the connection settings
 * are the SQLite dialect's (WAL, synchronous=NORMAL). Variants:
 *
 *   store             accessTokens.insert() through Kysely, one at a time (each its own commit)
 *   store-x10         ten concurrent inserts at a time, grouped into one commit on the main thread
 *   writer-x10        the same with the writer thread (`writerThread`, as servers run)
 *   writer-x1         one at a time through the writer thread: one message each way per token
 *   autocommit        the same INSERT on a raw connection, one transaction per token
 *   no-autockpt       autocommit with wal_autocheckpoint=0 (checkpoints left to someone else)
 *   batch10           ten INSERTs per transaction (group commit)
 *   batch10-no-autockpt
 *
 * Then the cost of the writer thread's messaging alone, main-thread CPU per round trip to an
 * echo worker: an empty message, and one shaped like a batch of 10 writes with its reply.
 *
 *   node bench/micro/sqlite-insert.ts [--tokens 20000]
 */
import { createHash, randomBytes } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { openStore } from '@portcullis/store';
import { createSqliteDatabase } from '@portcullis/store/test-databases';

const { values } = parseArgs({ options: { tokens: { type: 'string', default: '20000' } } });
const tokens = Number(values.tokens);
const now = Math.floor(Date.now() / 1000);
const tokenHash = () => createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
/** One access_tokens row's values, in the INSERT's column order. */
const tokenValues = () => [
  tokenHash(),
  'basic-client',
  'basic-client',
  '["https://opaque.example.com"]',
  'reports:read',
  '{}',
  null,
  now,
  now + 300,
  null,
];

async function freshDatabase(): Promise<{ url: string; path: string; drop: () => Promise<void> }> {
  const database = createSqliteDatabase();
  const store = openStore(database.url);
  await store.migrate();
  await store.close();
  return { url: database.url, path: database.url.slice('sqlite:'.length), drop: () => database.drop() };
}

function raw(path: string, options: { batch: number; autocheckpoint: boolean }): () => void {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  if (!options.autocheckpoint) db.exec('PRAGMA wal_autocheckpoint = 0');
  const insert = db.prepare(
    'insert into "access_tokens" ("token_hash", "client_id", "subject", "audience", "scope", "claims", "grant_id", "issued_at", "expires_at", "revoked_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  return () => {
    for (let i = 0; i < tokens; i += options.batch) {
      if (options.batch > 1) db.exec('begin');
      for (let j = 0; j < options.batch; j++) {
        insert.run(...tokenValues());
      }
      if (options.batch > 1) db.exec('commit');
    }
    db.close();
  };
}

const tokenRow = () => ({
  token_hash: tokenHash(),
  client_id: 'basic-client',
  subject: 'basic-client',
  audience: ['https://opaque.example.com'],
  scope: 'reports:read',
  claims: {},
  grant_id: null,
  issued_at: now,
  expires_at: now + 300,
  revoked_at: null,
});

/** `tokens` inserts through the store, `concurrency` at a time. */
async function viaStore(url: string, options: { concurrency: number; writerThread: boolean }): Promise<() => Promise<void>> {
  const store = openStore(url, { writerThread: options.writerThread });
  await store.migrate();
  return async () => {
    for (let i = 0; i < tokens; i += options.concurrency) {
      await Promise.all(Array.from({ length: options.concurrency }, () => store.accessTokens.insert(tokenRow())));
    }
    await store.close();
  };
}

const variants: Record<string, (url: string, path: string) => Promise<() => Promise<void> | void>> = {
  store: (url) => viaStore(url, { concurrency: 1, writerThread: false }),
  'store-x10': (url) => viaStore(url, { concurrency: 10, writerThread: false }),
  'writer-x10': (url) => viaStore(url, { concurrency: 10, writerThread: true }),
  'writer-x1': (url) => viaStore(url, { concurrency: 1, writerThread: true }),
  autocommit: async (_url, path) => raw(path, { batch: 1, autocheckpoint: true }),
  'no-autockpt': async (_url, path) => raw(path, { batch: 1, autocheckpoint: false }),
  batch10: async (_url, path) => raw(path, { batch: 10, autocheckpoint: true }),
  'batch10-no-autockpt': async (_url, path) => raw(path, { batch: 10, autocheckpoint: false }),
};

// What generating the hashes costs, to subtract.
const hashBefore = process.threadCpuUsage();
for (let i = 0; i < tokens; i++) tokenHash();
const hashCpu = process.threadCpuUsage(hashBefore);
const hashUs = (hashCpu.user + hashCpu.system) / tokens;

process.stdout.write(
  `${tokens} inserts per variant, fresh database each, best of 3 (µs per token on the main thread, token hashing subtracted)\n`,
);
const best = new Map<string, { cpu: number; busy: number; wall: number }>();
for (let rep = 0; rep < 3; rep++) {
  for (const [name, setup] of Object.entries(variants)) {
    const database = await freshDatabase();
    const run = await setup(database.url, database.path);
    const cpuBefore = process.threadCpuUsage();
    const eluBefore = performance.eventLoopUtilization();
    const wallBefore = performance.now();
    await run();
    const wallMs = performance.now() - wallBefore;
    const elu = performance.eventLoopUtilization(eluBefore);
    const used = process.threadCpuUsage(cpuBefore);
    // A synchronous run never returns to the event loop, which then counts none of it as active.
    const busyMs = elu.active > 0 ? elu.active : wallMs;
    const cpu = (used.user + used.system) / tokens - hashUs;
    await database.drop();
    const previous = best.get(name);
    const result = { cpu, busy: (busyMs * 1000) / tokens - hashUs, wall: (wallMs * 1000) / tokens };
    if (!previous || result.busy < previous.busy) best.set(name, result);
  }
}
for (const [name, { cpu, busy, wall }] of best) {
  process.stdout.write(
    `${name.padEnd(22)} cpu ${cpu.toFixed(1).padStart(6)}  event loop busy ${busy.toFixed(1).padStart(6)}  wall ${wall.toFixed(1).padStart(6)}\n`,
  );
}

// The writer thread's messaging alone: an echo worker answering messages shaped like the
// writer's (packages/store/src/sqlite-writer.ts: flat ids and parameters, flat results), and
// the smallest possible message for the fixed cost of a round trip.
const echo = new Worker(
  `const { parentPort } = require('node:worker_threads');
   parentPort.on('message', (m) => parentPort.postMessage(m === 0 ? 0 : { id: m.id, results: new Array(m.statements.length).fill(1) }));`,
  { eval: true },
);
const message = (id: number) => ({
  id,
  statements: Array.from({ length: 10 }, () => [1, 10]).flat(),
  params: Array.from({ length: 10 }, tokenValues).flat(),
});
const roundTrips = 5000;
let answered: (() => void) | undefined;
echo.on('message', () => answered?.());
const reply = () =>
  new Promise<void>((resolve) => {
    answered = resolve;
  });
for (const [label, messages] of [
  ['empty message', Array.from({ length: roundTrips }, () => 0)],
  ['batch of 10 writes', Array.from({ length: roundTrips }, (_, i) => message(i))],
] as const) {
  for (let i = 0; i < 200; i++) {
    echo.postMessage(messages[i]);
    await reply();
  }
  const before = process.threadCpuUsage();
  const wall = performance.now();
  for (const m of messages) {
    echo.postMessage(m);
    await reply();
  }
  const cpu = process.threadCpuUsage(before);
  process.stdout.write(
    `message round trip, ${label.padEnd(18)} main-thread cpu ${((cpu.user + cpu.system) / roundTrips).toFixed(1).padStart(5)} µs, wall ${(((performance.now() - wall) * 1000) / roundTrips).toFixed(1).padStart(5)} µs\n`,
  );
}
await echo.terminate();
