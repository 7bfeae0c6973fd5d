import { errors as dslErrors, transformer, validator } from '@openfga/syntax-transformer';
import { FgaError } from '../errors.ts';
import type { AuthorizationModel } from './types.ts';

/** A problem in a model's source, positioned as OpenFGA's language tools report it (zero-based). */
export interface ModelProblem {
  message: string;
  line?: { start: number; end: number };
  column?: { start: number; end: number };
  /** OpenFGA's validation error type (`missing-definition`, `invalid-syntax`, …). */
  errorType?: string;
  symbol?: string;
  type?: string;
  relation?: string;
}

/** A model that failed to parse or validate, with every problem found. */
export class ModelSourceError extends FgaError {
  readonly problems: ModelProblem[];
  constructor(problems: ModelProblem[]) {
    super('invalid_authorization_model', problems.map((p) => p.message).join('; ') || 'invalid authorization model');
    this.problems = problems;
  }
}

interface PositionedError {
  msg?: string;
  message: string;
  line?: { start: number; end: number };
  column?: { start: number; end: number };
  metadata?: { symbol?: string; errorType?: string; type?: string; relation?: string };
}

function problemsOf(error: unknown): ModelProblem[] | undefined {
  if (error instanceof dslErrors.DSLSyntaxError || error instanceof dslErrors.ModelValidationError) {
    return (error.errors as PositionedError[]).map((e) => ({
      message: e.msg ?? e.message,
      line: e.line,
      column: e.column,
      errorType: e.metadata?.errorType ?? (error instanceof dslErrors.DSLSyntaxError ? 'invalid-syntax' : undefined),
      symbol: e.metadata?.symbol,
      type: e.metadata?.type,
      relation: e.metadata?.relation,
    }));
  }
  return undefined;
}

/**
 * Validates DSL source (syntax and semantics) with OpenFGA's own language tools; returns every
 * problem with its position, or an empty list.
 */
export function validateDsl(dsl: string): ModelProblem[] {
  try {
    validator.validateDSL(withoutComments(dsl));
    return [];
  } catch (error) {
    const problems = problemsOf(error);
    if (problems) return problems.map((p) => repositionCondition(p, dsl));
    // The language validator has gaps (it crashes on some valid conditional models); the engine's
    // own model validation still runs on the parsed JSON.
    return [];
  }
}

/** Parses a schema 1.1 DSL model into the API's JSON shape after validating it; throws `ModelSourceError`. */
export function modelFromDsl(dsl: string): AuthorizationModel {
  const problems = validateDsl(dsl);
  if (problems.length > 0) throw new ModelSourceError(problems);
  return dslToJson(dsl);
}

/** Transforms DSL to the API's JSON shape without semantic validation (syntax errors still throw). */
export function dslToJson(dsl: string): AuthorizationModel {
  try {
    return transformer.transformDSLToJSONObject(dsl) as unknown as AuthorizationModel;
  } catch (error) {
    throw new ModelSourceError(problemsOf(error) ?? [{ message: (error as Error).message }]);
  }
}

/**
 * Blanks `#` comments (a `#` at a line start or after whitespace; `group#member` has none) and
 * trailing blanks. Positions of everything else are unchanged; the language validator 0.2.2
 * mislocates errors on lines that end in a comment.
 */
function withoutComments(dsl: string): string {
  return dsl
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '$1').trimEnd())
    .join('\n');
}

/**
 * The validator finds a condition's line by searching its name as a prefix, so `less` lands on
 * `lessthan`; the declaration is found here by its whole name instead.
 */
function repositionCondition(problem: ModelProblem, dsl: string): ModelProblem {
  if (problem.errorType !== 'condition-not-used' || !problem.symbol) return problem;
  const lines = dsl.split('\n');
  const name = problem.symbol.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const line = lines.findIndex((l) => new RegExp(`^\\s*condition\\s+${name}\\s*\\(`).test(l));
  if (line === -1) return problem;
  const start = (lines[line] as string).indexOf(problem.symbol, (lines[line] as string).indexOf('condition') + 'condition'.length);
  return { ...problem, line: { start: line, end: line }, column: { start, end: start + problem.symbol.length } };
}

/** Combines a modular model (schema 1.2: `module` files with `extend type`) into one model. */
export function modelFromModules(files: Array<{ name: string; contents: string }>): AuthorizationModel {
  try {
    return transformer.transformModuleFilesToModel(files, '1.2') as unknown as AuthorizationModel;
  } catch (error) {
    const problems = (error as { errors?: PositionedError[] }).errors;
    throw new ModelSourceError(
      problems
        ? problems.map((e) => ({ message: e.msg ?? e.message, line: e.line, column: e.column }))
        : [{ message: (error as Error).message }],
    );
  }
}
