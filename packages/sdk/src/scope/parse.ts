import { allOf, anyOf, not, type ScopeExpression, scope } from './expression.ts';

/** A scope expression that cannot be parsed; `column` is 1-based. */
export class ScopeExpressionError extends Error {
  override name = 'ScopeExpressionError';
  readonly column: number;

  constructor(source: string, column: number, problem: string) {
    super(`scope expression "${source}": ${problem} at column ${column}`);
    this.column = column;
  }
}

type Token = { type: 'scope' | 'and' | 'or' | 'not' | '(' | ')' | 'end'; text: string; column: number };

const keywords = new Set(['and', 'or', 'not']);
/** RFC 6749 §3.3 scope-token characters (NQCHAR), less the parentheses this language uses. */
const scopeChar = /[\x21\x23-\x27\x2a-\x5b\x5d-\x7e]/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i]!;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      i++;
    } else if (char === '(' || char === ')') {
      tokens.push({ type: char, text: char, column: i + 1 });
      i++;
    } else if (scopeChar.test(char)) {
      const start = i;
      while (i < source.length && scopeChar.test(source[i]!)) i++;
      const text = source.slice(start, i);
      tokens.push({ type: keywords.has(text) ? (text as 'and' | 'or' | 'not') : 'scope', text, column: start + 1 });
    } else {
      throw new ScopeExpressionError(source, i + 1, `character ${JSON.stringify(char)} is not allowed`);
    }
  }
  tokens.push({ type: 'end', text: 'the end', column: source.length + 1 });
  return tokens;
}

/**
 * Parses a scope expression such as `orders:read and (fido or otp)` or `admin and not guest`.
 * Precedence: `not` binds tightest, then `and`, then `or`; parentheses group. Scope names
 * are RFC 6749 §3.3 scope tokens; `and`, `or` and `not` are reserved words.
 *
 * @example parseScopeExpression('orders:read and (fido or otp)')
 */
export function parseScopeExpression(source: string): ScopeExpression {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position]!;
  const describe = (token: Token) => (token.type === 'end' ? 'the end' : `'${token.text}'`);

  function primary(): ScopeExpression {
    const token = peek();
    if (token.type === 'scope') {
      position++;
      return scope(token.text);
    }
    if (token.type === '(') {
      position++;
      const inner = or();
      if (peek().type !== ')') throw new ScopeExpressionError(source, token.column, `'(' is never closed (found ${describe(peek())})`);
      position++;
      return inner;
    }
    throw new ScopeExpressionError(source, token.column, `expected a scope, 'not' or '(' but found ${describe(token)}`);
  }

  function unary(): ScopeExpression {
    if (peek().type === 'not') {
      position++;
      return not(unary());
    }
    return primary();
  }

  function and(): ScopeExpression {
    const operands = [unary()];
    while (peek().type === 'and') {
      position++;
      operands.push(unary());
    }
    return allOf(...operands);
  }

  function or(): ScopeExpression {
    const operands = [and()];
    while (peek().type === 'or') {
      position++;
      operands.push(and());
    }
    return anyOf(...operands);
  }

  if (peek().type === 'end') throw new ScopeExpressionError(source, 1, 'the expression is empty');
  const expression = or();
  const rest = peek();
  if (rest.type === ')') throw new ScopeExpressionError(source, rest.column, "')' has no matching '('");
  if (rest.type !== 'end')
    throw new ScopeExpressionError(source, rest.column, `expected 'and', 'or' or the end but found ${describe(rest)}`);
  return expression;
}
