import { readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import {
  type AuthorizationModel,
  ModelSourceError,
  modelFromDsl,
  modelFromModules,
  modelToDsl,
  parseModFile,
  validateJsonModel,
} from '@portcullis/authz';
import { print, UsageError } from '../../output.ts';
import type { FgaApi } from './api.ts';
import { type FgaSettings, requireStoreId } from './settings.ts';

/** A model from a file: OpenFGA DSL (`.fga`), a modular model's `fga.mod`, or the API's JSON; checked by the language tools. */
export function readModelFile(path: string): AuthorizationModel {
  const text = readFileSync(path, 'utf8');
  const extension = extname(path).toLowerCase();
  if (extension === '.json') {
    const model = JSON.parse(text) as AuthorizationModel;
    const problems = validateJsonModel(model);
    if (problems.length > 0) throw new ModelSourceError(problems);
    return model;
  }
  if (extension === '.fga') return modelFromDsl(text);
  if (basename(path) === 'fga.mod' || extension === '.mod') {
    const mod = parseModFile(text);
    return modelFromModules(mod.contents.map((name) => ({ name, contents: readFileSync(join(dirname(path), name), 'utf8') })));
  }
  throw new Error(`unsupported model file "${path}" (use .fga, .json or fga.mod)`);
}

/** `fga model write <file>` (validated locally, with positions, then written) and `fga model get` (as DSL). */
export async function model(api: FgaApi, settings: FgaSettings, [action, file]: string[]): Promise<number> {
  const storeId = requireStoreId(settings);
  if (action === 'get') {
    const path = settings.modelId
      ? `/stores/${storeId}/authorization-models/${settings.modelId}`
      : `/stores/${storeId}/authorization-models?page_size=1`;
    const answer = await api.request<{ authorization_model?: AuthorizationModel; authorization_models?: AuthorizationModel[] }>(
      'GET',
      path,
    );
    const found = answer.authorization_model ?? answer.authorization_models?.[0];
    if (!found) throw new Error(`store ${storeId} has no authorization model`);
    if (settings.json) print(found, { json: true });
    else process.stdout.write(`# authorization_model_id: ${found.id}\n${modelToDsl(found)}`);
    return 0;
  }
  if (action !== 'write') throw new UsageError(`unknown fga model command: ${action ?? '(none)'}`);
  if (!file) throw new UsageError('fga model write needs a model file');
  let body: AuthorizationModel;
  try {
    body = readModelFile(file);
  } catch (error) {
    if (!(error instanceof ModelSourceError)) throw error;
    // Positions are zero-based in the language tools; editors count from 1.
    const lines = error.problems.map((p) => `${file}${p.line ? `:${p.line.start + 1}:${(p.column?.start ?? 0) + 1}` : ''}: ${p.message}`);
    throw new Error(`invalid model\n${lines.join('\n')}`);
  }
  const { id: _id, ...model } = body;
  const written = await api.request<{ authorization_model_id: string }>('POST', `/stores/${storeId}/authorization-models`, model);
  if (settings.json) print(written, { json: true });
  else process.stdout.write(`authorization_model_id: ${written.authorization_model_id}\n`);
  return 0;
}
