import { transformer, validator } from '@openfga/syntax-transformer';
import { type ModelProblem, ModelSourceError } from './dsl.ts';
import type { AuthorizationModel } from './types.ts';

interface LanguageError {
  msg?: string;
  message: string;
  line?: { start: number; end: number };
  column?: { start: number; end: number };
  metadata?: { symbol?: string; errorType?: string };
}

/**
 * Validates a JSON model with OpenFGA's language tools (what a model file is checked with before
 * it is sent); returns every problem, or an empty list. The API's own check is `validateModel`.
 */
export function validateJsonModel(model: AuthorizationModel): ModelProblem[] {
  try {
    validator.validateJSON(model as never);
    return [];
  } catch (error) {
    const list = (error as { errors?: LanguageError[] }).errors ?? [error as LanguageError];
    return list.map((e) => ({
      message: e.msg ?? e.message,
      line: e.line,
      column: e.column,
      errorType: e.metadata?.errorType,
      symbol: e.metadata?.symbol,
    }));
  }
}

/**
 * A model as OpenFGA DSL (`portcullis fga model get`). Throws `ModelSourceError` for models the
 * DSL cannot express (a direct assignment under an exclusion or intersection, or several modules
 * in one source file).
 */
export function modelToDsl(model: AuthorizationModel): string {
  const { id: _id, ...rest } = model;
  try {
    return transformer.transformJSONToDSL(rest as never);
  } catch (error) {
    throw new ModelSourceError([{ message: (error as Error).message }]);
  }
}

/** An `fga.mod` file: the schema and the module files of a modular model, in order. */
export interface ModFile {
  schema: string;
  contents: string[];
}

/** Parses an `fga.mod` file; problems come back positioned (zero-based) in a `ModelSourceError`. */
export function parseModFile(text: string): ModFile {
  try {
    const mod = transformer.transformModFileToJSON(text);
    return { schema: mod.schema.value, contents: mod.contents.value.map((c) => c.value) };
  } catch (error) {
    const list = (error as { errors?: LanguageError[] }).errors;
    if (!list) throw new ModelSourceError([{ message: (error as Error).message }]);
    throw new ModelSourceError(list.map((e) => ({ message: e.msg ?? e.message, line: e.line, column: e.column })));
  }
}
