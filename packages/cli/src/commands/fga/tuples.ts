import type { TupleKey } from '@portcullis/authz';
import { print, UsageError } from '../../output.ts';
import type { FgaApi } from './api.ts';
import { type FgaSettings, requireStoreId } from './settings.ts';
import { readTupleFile } from './tuple-file.ts';

/** Tuples per write request: the server's default limit. */
export const defaultBatchSize = 100;

/** The write request for one batch (OpenFGA's `Write`). */
export function writeBody(
  settings: FgaSettings,
  kind: 'writes' | 'deletes',
  tuples: TupleKey[],
  policy: { on_duplicate?: 'error' | 'ignore'; on_missing?: 'error' | 'ignore' },
) {
  const part =
    kind === 'writes'
      ? { tuple_keys: tuples, on_duplicate: policy.on_duplicate ?? 'error' }
      : { tuple_keys: tuples.map(({ user, relation, object }) => ({ user, relation, object })), on_missing: policy.on_missing ?? 'error' };
  return { ...(settings.modelId ? { authorization_model_id: settings.modelId } : {}), [kind]: part };
}

/**
 * `fga tuples write|delete <file>`: sends the file's tuples in batches, in order, and stops at the
 * first refused batch (earlier batches stay written; `tuples import` is the resumable variant).
 */
export async function writeOrDelete(
  api: FgaApi,
  settings: FgaSettings,
  action: 'write' | 'delete',
  file: string | undefined,
  options: { batchSize: number; ignore: boolean },
): Promise<number> {
  if (!file) throw new UsageError(`fga tuples ${action} needs a tuple file (.csv, .yaml or .json)`);
  const storeId = requireStoreId(settings);
  const kind = action === 'write' ? 'writes' : 'deletes';
  const policy =
    action === 'write' ? { on_duplicate: options.ignore ? 'ignore' : 'error' } : { on_missing: options.ignore ? 'ignore' : 'error' };
  let done = 0;
  let batch: TupleKey[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    try {
      await api.request('POST', `/stores/${storeId}/write`, writeBody(settings, kind, batch, policy as never));
    } catch (error) {
      throw new Error(
        `${(error as Error).message} (tuples ${done + 1}-${done + batch.length}; ${done} ${action === 'write' ? 'written' : 'deleted'} before)`,
      );
    }
    done += batch.length;
    batch = [];
  };
  for await (const tuple of readTupleFile(file)) {
    batch.push(tuple);
    if (batch.length >= options.batchSize) await flush();
  }
  await flush();
  const verb = action === 'write' ? 'written' : 'deleted';
  if (settings.json) print({ [verb]: done }, { json: true });
  else process.stdout.write(`${done} tuples ${verb}\n`);
  return 0;
}
