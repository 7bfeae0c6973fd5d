import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { TupleKey } from '@portcullis/authz';
import { print, UsageError } from '../../output.ts';
import { type FgaApi, FgaApiError } from './api.ts';
import { Progress } from './progress.ts';
import { type FgaSettings, requireStoreId } from './settings.ts';
import { readTupleFile } from './tuple-file.ts';
import { writeBody } from './tuples.ts';

/** What a checkpoint file records: enough to continue after the last committed batch. */
interface Checkpoint {
  store_id: string;
  batch_size: number;
  total: number;
  /** Tuples of the file, from its start, known to be written. */
  committed: number;
  /** The last of them, to notice a file that changed before the checkpoint. */
  last_tuple: string;
}

export interface ImportOptions {
  batchSize: number;
  /** Batches in flight at once. */
  concurrency: number;
  /** Ignore an existing checkpoint and start from the first tuple. */
  restart: boolean;
  /** Waits between retries of a failed request (injectable for tests). */
  retryDelaysMs?: number[];
}

const tupleKeyString = (t: TupleKey): string => `${t.object}#${t.relation}@${t.user}`;

/** The checkpoint of an import sits next to its input. */
export const checkpointPath = (file: string): string => `${file}.import-checkpoint.json`;

/**
 * `fga tuples import <file>`: writes the file's tuples in batches (several in flight), with a
 * checkpoint next to the file recording the tuples committed so far, in file order. A re-run of
 * the same command continues after the checkpoint. Writes use `on_duplicate: ignore`, so tuples a
 * killed run wrote after its last checkpoint are not errors the second time.
 */
export async function importTuples(api: FgaApi, settings: FgaSettings, file: string | undefined, options: ImportOptions): Promise<number> {
  if (!file) throw new UsageError('fga tuples import needs a tuple file (.csv, .yaml or .json)');
  const storeId = requireStoreId(settings);
  const checkpointFile = checkpointPath(file);

  let total = 0;
  for await (const _ of readTupleFile(file)) total++;
  const resumed = options.restart ? undefined : await readCheckpoint(checkpointFile, file, storeId, options.batchSize, total);
  const skip = resumed?.committed ?? 0;
  if (skip > 0)
    process.stderr.write(`resuming after ${skip.toLocaleString('en-US')} tuples already imported (checkpoint ${checkpointFile})\n`);

  const progress = new Progress(total, skip);
  // Batches finish out of order; the checkpoint only moves past a batch once all before it are done.
  const finished = new Map<number, { size: number; last: string }>();
  let committed = skip;
  let nextToCommit = 0;
  const saveCheckpoint = () => {
    let batch = finished.get(nextToCommit);
    let last: string | undefined;
    while (batch) {
      finished.delete(nextToCommit);
      committed += batch.size;
      last = batch.last;
      batch = finished.get(++nextToCommit);
    }
    if (last === undefined) return;
    const checkpoint: Checkpoint = { store_id: storeId, batch_size: options.batchSize, total, committed, last_tuple: last };
    writeFileSync(`${checkpointFile}.tmp`, `${JSON.stringify(checkpoint, null, 2)}\n`);
    renameSync(`${checkpointFile}.tmp`, checkpointFile);
    progress.update(committed);
  };

  const inFlight = new Set<Promise<void>>();
  let failure: Error | undefined;
  const send = (index: number, tuples: TupleKey[], first: number) => {
    const task = writeWithRetries(
      api,
      `/stores/${storeId}/write`,
      writeBody(settings, 'writes', tuples, { on_duplicate: 'ignore' }),
      options,
    )
      .then(() => {
        finished.set(index, { size: tuples.length, last: tupleKeyString(tuples[tuples.length - 1] as TupleKey) });
        saveCheckpoint();
      })
      .catch((error: Error) => {
        failure ??= new Error(`${error.message} (in tuples ${first + 1}-${first + tuples.length} of ${file})`);
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  let position = 0;
  let index = 0;
  let batch: TupleKey[] = [];
  let batchStart = skip;
  for await (const tuple of readTupleFile(file)) {
    if (position++ < skip) continue;
    batch.push(tuple);
    if (batch.length < options.batchSize) continue;
    send(index++, batch, batchStart);
    batchStart += batch.length;
    batch = [];
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    if (failure) break;
  }
  if (!failure && batch.length > 0) send(index++, batch, batchStart);
  await Promise.all(inFlight);
  progress.end();
  if (failure) {
    const where = existsSync(checkpointFile)
      ? `; ${committed.toLocaleString('en-US')} tuples are committed and a re-run continues after them`
      : '';
    throw new Error(`import stopped: ${failure.message}${where}`);
  }
  rmSync(checkpointFile, { force: true });
  const summary = { imported: total - skip, resumed_after: skip, total };
  if (settings.json) print(summary, { json: true });
  else
    process.stdout.write(
      `imported ${summary.imported.toLocaleString('en-US')} tuples${skip ? ` (resumed after ${skip.toLocaleString('en-US')})` : ''}, ${total.toLocaleString('en-US')} in the file\n`,
    );
  return 0;
}

async function readCheckpoint(
  path: string,
  file: string,
  storeId: string,
  batchSize: number,
  total: number,
): Promise<Checkpoint | undefined> {
  if (!existsSync(path)) return undefined;
  const checkpoint = JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
  const refuse = (why: string) => {
    throw new Error(`${path} ${why}; pass --restart to import from the first tuple`);
  };
  if (checkpoint.store_id !== storeId) refuse(`belongs to store ${checkpoint.store_id}`);
  if (checkpoint.committed > total) refuse('records more tuples than the file holds');
  // The file may have grown or been fixed after the checkpoint, not before it.
  let position = 0;
  for await (const tuple of readTupleFile(file)) {
    if (++position < checkpoint.committed) continue;
    if (tupleKeyString(tuple) !== checkpoint.last_tuple) refuse(`does not match ${file} (it changed before the checkpoint)`);
    break;
  }
  if (checkpoint.batch_size !== batchSize)
    process.stderr.write(`note: the checkpoint was written with batches of ${checkpoint.batch_size}\n`);
  return checkpoint;
}

/** Network failures, throttling and server errors are retried; a refused batch is not. */
async function writeWithRetries(api: FgaApi, path: string, body: unknown, options: ImportOptions): Promise<void> {
  const delays = options.retryDelaysMs ?? [200, 1000, 3000];
  for (let attempt = 0; ; attempt++) {
    try {
      await api.request('POST', path, body);
      return;
    } catch (error) {
      const transient = !(error instanceof FgaApiError) || error.status === 429 || error.status >= 500;
      if (!transient || attempt >= delays.length) throw error;
      await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
    }
  }
}
