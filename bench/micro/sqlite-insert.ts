/**
 * What one opaque access token's INSERT costs on the embedded database, in CPU and in
 * event-loop time (node:sqlite is synchronous: wall time here is time the server's event
 * loop is blocked). The schema is Portcullis' own (the store's migrations on a fresh file),
 * the connection settings are the SQLite dialect's (WAL, synchronous=NORMAL). Variants:
 *
 *   store           accessTokens.insert() through Kysely, as the token endpoint does
 *   autocommit      the same INSERT on a raw connection, one transaction per token
 *   no-autockpt     autocommit with wal_autocheckpoint=0 (checkpoints left to someone else)
 *   batch10         ten INSERTs per transaction (group commit)
 *   batch10-no-autockpt
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
const tokenHash = () => createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');

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
        insert.run(
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
        );
      }
      if (options.batch > 1) db.exec('commit');
    }
    db.close();
  };
}

const variants: Record<string, (url: string, path: string) => Promise<() => Promise<void> | void>> = {
  store: async (url) => {
    const store = openStore(url);
    await store.migrate();
    return async () => {
      for (let i = 0; i < tokens; i++) {
        await store.accessTokens.insert({
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
      }
      await store.close();
    };
  },
  autocommit: async (_url, path) => raw(path, { batch: 1, autocheckpoint: true }),
  'no-autockpt': async (_url, path) => raw(path, { batch: 1, autocheckpoint: false }),
  batch10: async (_url, path) => raw(path, { batch: 10, autocheckpoint: true }),
  'batch10-no-autockpt': async (_url, path) => raw(path, { batch: 10, autocheckpoint: false }),
};

// What generating the hashes costs, to subtract.
const hashBefore = process.cpuUsage();
for (let i = 0; i < tokens; i++) tokenHash();
const hashCpu = process.cpuUsage(hashBefore);
const hashUs = (hashCpu.user + hashCpu.system) / tokens;

process.stdout.write(`${tokens} inserts per variant, fresh database each, best of 3 (µs per token, token hashing subtracted)\n`);
const best = new Map<string, { cpu: number; wall: number }>();
for (let rep = 0; rep < 3; rep++) {
  for (const [name, setup] of Object.entries(variants)) {
    const database = await freshDatabase();
    const run = await setup(database.url, database.path);
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    await run();
    const wall = ((performance.now() - wallBefore) * 1000) / tokens - hashUs;
    const used = process.cpuUsage(cpuBefore);
    const cpu = (used.user + used.system) / tokens - hashUs;
    await database.drop();
    const previous = best.get(name);
    if (!previous || wall < previous.wall) best.set(name, { cpu, wall });
  }
}
for (const [name, { cpu, wall }] of best) {
  process.stdout.write(`${name.padEnd(22)} cpu ${cpu.toFixed(1).padStart(6)}  event loop blocked ${wall.toFixed(1).padStart(6)}\n`);
}
