/** A parsed scope expression: scope names combined with `and`, `or` and `not`. */
export type ScopeExpression =
  | { kind: 'scope'; name: string }
  | { kind: 'not'; operand: ScopeExpression }
  | { kind: 'and'; operands: ScopeExpression[] }
  | { kind: 'or'; operands: ScopeExpression[] };

export const scope = (name: string): ScopeExpression => ({ kind: 'scope', name });
export const not = (operand: ScopeExpression): ScopeExpression => ({ kind: 'not', operand });
export const allOf = (...operands: ScopeExpression[]): ScopeExpression =>
  operands.length === 1 ? operands[0]! : { kind: 'and', operands };
export const anyOf = (...operands: ScopeExpression[]): ScopeExpression => (operands.length === 1 ? operands[0]! : { kind: 'or', operands });

/** The expression written back in the language `parseScopeExpression` reads (fully parenthesised where needed). */
export function formatScopeExpression(expression: ScopeExpression): string {
  switch (expression.kind) {
    case 'scope':
      return expression.name;
    case 'not':
      return `not ${expression.operand.kind === 'scope' || expression.operand.kind === 'not' ? formatScopeExpression(expression.operand) : `(${formatScopeExpression(expression.operand)})`}`;
    case 'and':
      return expression.operands.map((o) => (o.kind === 'or' ? `(${formatScopeExpression(o)})` : formatScopeExpression(o))).join(' and ');
    case 'or':
      return expression.operands.map((o) => formatScopeExpression(o)).join(' or ');
  }
}
