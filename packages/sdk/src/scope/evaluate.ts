import type { ScopeExpression } from './expression.ts';

/** True when a token with `scopes` satisfies the expression; `and`/`or` stop at the first decisive operand. */
export function evaluateScopeExpression(expression: ScopeExpression, scopes: ReadonlySet<string>): boolean {
  switch (expression.kind) {
    case 'scope':
      return scopes.has(expression.name);
    case 'not':
      return !evaluateScopeExpression(expression.operand, scopes);
    case 'and':
      return expression.operands.every((operand) => evaluateScopeExpression(operand, scopes));
    case 'or':
      return expression.operands.some((operand) => evaluateScopeExpression(operand, scopes));
  }
}

/** One conjunction of the disjunctive normal form: scopes that must be present and must be absent. */
interface Clause {
  present: string[];
  absent: string[];
}

/** Beyond this many alternatives the challenge lists every scope the expression names. */
const maxClauses = 64;

function clauses(expression: ScopeExpression, negated: boolean): Clause[] | undefined {
  switch (expression.kind) {
    case 'scope':
      return [negated ? { present: [], absent: [expression.name] } : { present: [expression.name], absent: [] }];
    case 'not':
      return clauses(expression.operand, !negated);
    case 'and':
    case 'or': {
      // De Morgan: a negated `and` distributes as an `or`, and the other way round.
      const conjunctive = (expression.kind === 'and') !== negated;
      const parts = expression.operands.map((operand) => clauses(operand, negated));
      if (parts.some((p) => p === undefined)) return undefined;
      if (!conjunctive) return (parts as Clause[][]).flat().length > maxClauses ? undefined : (parts as Clause[][]).flat();
      let product: Clause[] = [{ present: [], absent: [] }];
      for (const part of parts as Clause[][]) {
        product = product.flatMap((left) =>
          part.map((right) => ({ present: [...left.present, ...right.present], absent: [...left.absent, ...right.absent] })),
        );
        if (product.length > maxClauses) return undefined;
      }
      return product;
    }
  }
}

function named(expression: ScopeExpression, negated = false, into = new Set<string>()): Set<string> {
  if (expression.kind === 'scope') {
    if (!negated) into.add(expression.name);
  } else if (expression.kind === 'not') named(expression.operand, !negated, into);
  else for (const operand of expression.operands) named(operand, negated, into);
  return into;
}

/**
 * The scopes to name in an `insufficient_scope` challenge (RFC 6750 §3): the alternative
 * closest to what the token has (fewest missing scopes), as a space-separated list.
 */
export function scopesToRequest(expression: ScopeExpression, scopes: ReadonlySet<string>): string {
  const alternatives = clauses(expression, false);
  if (!alternatives) return [...named(expression)].join(' ');
  let best: Clause | undefined;
  let bestMissing = Number.POSITIVE_INFINITY;
  for (const clause of alternatives) {
    if (clause.present.some((s) => clause.absent.includes(s))) continue;
    const missing = clause.present.filter((s) => !scopes.has(s)).length;
    if (missing < bestMissing) {
      best = clause;
      bestMissing = missing;
    }
  }
  return [...new Set(best?.present ?? named(expression))].join(' ');
}
