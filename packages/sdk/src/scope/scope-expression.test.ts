import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { evaluateScopeExpression, scopesToRequest } from './evaluate.ts';
import { allOf, anyOf, formatScopeExpression, not, scope } from './expression.ts';
import { parseScopeExpression, ScopeExpressionError } from './parse.ts';

const has = (...scopes: string[]) => new Set(scopes);
const allows = (source: string, ...scopes: string[]) => evaluateScopeExpression(parseScopeExpression(source), has(...scopes));

describe('scope expressions: parsing', () => {
  it('a single scope is a scope', () => {
    assert.deepEqual(parseScopeExpression('orders:read'), scope('orders:read'));
  });

  it('and binds tighter than or, and not tighter than and', () => {
    assert.deepEqual(parseScopeExpression('a or b and not c'), anyOf(scope('a'), allOf(scope('b'), not(scope('c')))));
  });

  it('parentheses group', () => {
    assert.deepEqual(
      parseScopeExpression('orders:read and (fido or otp)'),
      allOf(scope('orders:read'), anyOf(scope('fido'), scope('otp'))),
    );
  });

  it('scope names may use any RFC 6749 scope character but parentheses', () => {
    assert.deepEqual(parseScopeExpression('https://api.example.com/orders.read'), scope('https://api.example.com/orders.read'));
  });

  it('formatting reads back to the same expression', () => {
    for (const source of ['a and (b or c)', 'not (a or b) and c', 'a or b or not c']) {
      const parsed = parseScopeExpression(source);
      assert.deepEqual(parseScopeExpression(formatScopeExpression(parsed)), parsed);
    }
  });

  const errors: Array<[string, number, RegExp]> = [
    ['', 1, /empty/],
    ['a and', 6, /expected a scope.*found the end/],
    ['a b', 3, /expected 'and', 'or' or the end but found 'b'/],
    ['(a or b', 1, /'\(' is never closed/],
    ['a or b)', 7, /'\)' has no matching '\('/],
    ['and a', 1, /expected a scope.*found 'and'/],
    ['a and "b"', 7, /character "\\"" is not allowed/],
  ];
  for (const [source, column, message] of errors) {
    it(`"${source}" is refused with the column of the problem (${column})`, () => {
      assert.throws(
        () => parseScopeExpression(source),
        (error: unknown) => error instanceof ScopeExpressionError && error.column === column && message.test(error.message),
      );
    });
  }
});

describe('scope expressions: evaluation', () => {
  it('and needs every operand', () => {
    assert.equal(allows('a and b', 'a', 'b'), true);
    assert.equal(allows('a and b', 'a'), false);
  });

  it('or needs one operand', () => {
    assert.equal(allows('a or b', 'b'), true);
    assert.equal(allows('a or b', 'c'), false);
  });

  it('not refuses a token that has the scope', () => {
    assert.equal(allows('read and not guest', 'read'), true);
    assert.equal(allows('read and not guest', 'read', 'guest'), false);
  });

  it('the challenge names the alternative with the fewest missing scopes', () => {
    const expression = parseScopeExpression('orders:read and (fido or otp)');
    assert.equal(scopesToRequest(expression, has('orders:read', 'otp', 'x')), 'orders:read otp');
    assert.equal(scopesToRequest(expression, has()), 'orders:read fido');
  });

  it('the challenge never asks for a scope the expression forbids', () => {
    assert.equal(scopesToRequest(parseScopeExpression('a and not b'), has('b')), 'a');
    assert.equal(scopesToRequest(parseScopeExpression('not (a and b)'), has('a', 'b')), '');
  });
});
