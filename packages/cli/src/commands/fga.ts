import { parseArgs } from 'node:util';
import { UsageError } from '../output.ts';
import { fgaApi } from './fga/api.ts';
import { importTuples } from './fga/import.ts';
import { model } from './fga/model.ts';
import { check, explain, listObjects } from './fga/query.ts';
import { fgaOptions, fgaSettings } from './fga/settings.ts';
import { store } from './fga/store.ts';
import { defaultBatchSize, writeOrDelete } from './fga/tuples.ts';

export const usage = `portcullis fga store create <name> | store list
portcullis fga model write <model.fga|model.json|fga.mod> | model get
portcullis fga tuples write|delete <tuples.csv|yaml|json> [--ignore] [--batch-size 100]
portcullis fga tuples import <tuples.csv|yaml|json> [--batch-size 100] [--concurrency 4] [--restart]
portcullis fga check <user> <relation> <object> [--context <json>]
portcullis fga list-objects <user> <relation> <type> [--context <json>]
portcullis fga explain <user> <relation> <object> [--context <json>]
  Talk to the permissions API over HTTP. All take --api-url <url> (PORTCULLIS_FGA_API_URL,
  default http://127.0.0.1:9000/fga), --store-id / --model-id (PORTCULLIS_FGA_STORE_ID /
  PORTCULLIS_FGA_MODEL_ID), credentials: --api-key <key> (PORTCULLIS_FGA_API_KEY, a pre-shared key)
  or --client-id/--client-secret (PORTCULLIS_FGA_CLIENT_ID/_SECRET; client credentials for
  <issuer>/fga, --client-auth-method client_secret_basic|client_secret_post), and --json.
  import keeps a checkpoint next to the file; running it again continues where it stopped.`;

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer`);
  return n;
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      ...fgaOptions,
      context: { type: 'string' },
      ignore: { type: 'boolean', default: false },
      'batch-size': { type: 'string' },
      concurrency: { type: 'string' },
      restart: { type: 'boolean', default: false },
    },
  });
  const [command, ...rest] = positionals;
  const settings = fgaSettings(values);
  const api = fgaApi(settings);
  const batchSize = positiveInteger('batch-size', values['batch-size'], defaultBatchSize);
  switch (command) {
    case 'store':
      return store(api, settings, rest);
    case 'model':
      return model(api, settings, rest);
    case 'tuples': {
      const [action, file] = rest;
      if (action === 'write' || action === 'delete')
        return writeOrDelete(api, settings, action, file, { batchSize, ignore: values.ignore });
      if (action === 'import')
        return importTuples(api, settings, file, {
          batchSize,
          concurrency: positiveInteger('concurrency', values.concurrency, 4),
          restart: values.restart,
        });
      throw new UsageError(`unknown fga tuples command: ${action ?? '(none)'}`);
    }
    case 'check':
      return check(api, settings, rest, values.context);
    case 'list-objects':
      return listObjects(api, settings, rest, values.context);
    case 'explain':
      return explain(api, settings, rest, values.context);
    default:
      throw new UsageError(`unknown fga command: ${command ?? '(none)'}`);
  }
}
