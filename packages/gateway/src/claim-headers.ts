import type { AccessTokenClaims } from '@portcullis/sdk';

function lookUp(claims: AccessTokenClaims, path: readonly string[]): unknown {
  let value: unknown = claims;
  for (const key of path) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * A claim as a header value: strings as they are, lists space-separated, objects as JSON;
 * anything outside printable ASCII is percent-encoded so a claim can never split a header.
 */
export function claimHeaderValue(claims: AccessTokenClaims, path: readonly string[]): string | undefined {
  const value = lookUp(claims, path);
  if (value === undefined || value === null) return undefined;
  const text =
    typeof value === 'string'
      ? value
      : Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? value.join(' ')
        : JSON.stringify(value);
  return /^[\x20-\x7e]*$/.test(text) ? text : encodeURIComponent(text);
}
