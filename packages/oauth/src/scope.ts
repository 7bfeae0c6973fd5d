import { invalidScope } from './errors.ts';

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const scopeToken = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Splits a scope parameter into distinct tokens, refusing malformed ones (RFC 6749 §3.3). */
export function parseScope(value: string | undefined): string[] {
  if (value === undefined) return [];
  const tokens = value.split(' ').filter((t) => t !== '');
  for (const token of tokens) {
    if (!scopeToken.test(token)) throw invalidScope('scope contains an invalid character');
  }
  return [...new Set(tokens)];
}
