/**
 * What one opaque access token's INSERT costs the server's main thread on the embedded
 * database: its CPU time (`process.threadCpuUsage`, so the checkpoint thread's work is not
 * counted) and the time its event loop is busy (node:sqlite is synchronous: for the raw variants
 * that is all of the wall time). The schema is Portcullis' own (the store's migrations on a fresh
 * file), the connection settings are the SQLite dialect's (WAL, synchronous=NORMAL). Keys are
 * ordered as Portcullis stores them (`<time>.` + SHA-256) unless the variant says random. Variants:
 *
 *   store             accessTokens.insert() as servers run it (checkpoint thread), one at a time
 *   store-x10         ten concurrent inserts at a time, grouped into one commit
 *   store-x10-random  the same with random keys (a plain SHA-256, as before 2026-11-23)
 *   autocommit        the same INSERT on a raw connection, one transaction per token
 *   no-autockpt       autocommit with wal_autocheckpoint=0 (checkpoints left to someone else)
 *   batch10           ten INSERTs per transaction (group commit)
 *   batch10-random    the same with random keys
 *
 *   node bench/micro/sqlite-insert.ts [--tokens 20000]
 */
import { createHash, randomBytes } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { openStore } from '@portcullis/store';
import { createSqliteDatabase } from '@portcullis/store/test-databases';

const { values } = parseArgs({ options: { tokens: { type: 'string', default: '20000' } } });
const tokens = Number(values.tokens);
const now = Math.floor(Date.now() / 1000);
const randomKey = () => createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
const orderedKey = () => `${Date.now().toString(36)}.${randomKey()}`;
/** One access_tokens row's values, in the INSERT's column order. */
const tokenValues = (key: () => string) => [
  key(),
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

function raw(path: string, options: { batch: number; autocheckpoint: boolean; key?: () => string }): () => void {
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
        insert.run(...tokenValues(options.key ?? orderedKey));
      }
      if (options.batch > 1) db.exec('commit');
    }
    db.close();
  };
}

const tokenRow = (key: () => string) => ({
  token_hash: key(),
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
async function viaStore(url: string, options: { concurrency: number; key?: () => string }): Promise<() => Promise<void>> {
  const store = openStore(url, { checkpointThread: true });
  await store.migrate();
  return async () => {
    for (let i = 0; i < tokens; i += options.concurrency) {
      await Promise.all(Array.from({ length: options.concurrency }, () => store.accessTokens.insert(tokenRow(options.key ?? orderedKey))));
    }
    await store.close();
  };
}

const variants: Record<string, (url: string, path: string) => Promise<() => Promise<void> | void>> = {
  store: (url) => viaStore(url, { concurrency: 1 }),
  'store-x10': (url) => viaStore(url, { concurrency: 10 }),
  'store-x10-random': (url) => viaStore(url, { concurrency: 10, key: randomKey }),
  autocommit: async (_url, path) => raw(path, { batch: 1, autocheckpoint: true }),
  'no-autockpt': async (_url, path) => raw(path, { batch: 1, autocheckpoint: false }),
  batch10: async (_url, path) => raw(path, { batch: 10, autocheckpoint: true }),
  'batch10-random': async (_url, path) => raw(path, { batch: 10, autocheckpoint: true, key: randomKey }),
};

// What generating the hashes costs, to subtract.
const hashBefore = process.threadCpuUsage();
for (let i = 0; i < tokens; i++) orderedKey();
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
