/**
 * Child process: creates a permission store with the benchmark model on `<database url>` and
 * bulk-loads the generated tuples through the store's tuple writes (thousands of tuples per
 * transaction, multi-row statements). Prints `{ storeId, modelId, tuples, seconds }` as JSON.
 *
 *   node bench/authz/load.ts <database url>
 */
import { FgaService, modelFromDsl } from '@portcullis/authz';
import { openStore } from '@portcullis/store';
import { sql } from 'kysely';
import { dataset, model } from './dataset.ts';

const url = process.argv[2];
if (!url) throw new Error('usage: node bench/authz/load.ts <database url>');
const store = openStore(url);
await store.migrate();
// Setup only: a larger page cache for the one-off load (the measured processes use the defaults).
if (store.dialect === 'sqlite') await sql`PRAGMA cache_size = -262144`.execute(store.db);
const service = new FgaService(store);
const { id: storeId } = await service.createStore('authz-bench');
const modelId = await service.writeModel(storeId, modelFromDsl(model));
const started = performance.now();
let tuples = 0;
for (const batch of dataset(0).batches(5000)) {
  await store.authz.tuples.write(storeId, { writes: batch, deletes: [], onDuplicate: 'error', onMissing: 'error', at: Date.now() });
  tuples += batch.length;
  if (tuples % 200_000 === 0) process.stderr.write(`  loaded ${tuples.toLocaleString('en-US')} tuples\n`);
}
const seconds = (performance.now() - started) / 1000;
// Fresh statistics, as autovacuum (PostgreSQL) or ANALYZE (SQLite) would give a live database.
await sql`ANALYZE`.execute(store.db);
await store.close();
process.stdout.write(`${JSON.stringify({ storeId, modelId, tuples, seconds })}\n`);
