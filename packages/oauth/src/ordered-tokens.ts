import { randomToken, sha256 } from './secrets.ts';

/**
 * A new stored token (opaque access token, refresh token): `<issue time in ms, base36>.<random>`,
 * with `bytes` random bytes (256 bits by default). The prefix is not a secret (the holder knows
 * when it got the token); it makes stored keys ascend, so each insert lands on the right edge of
 * the key index instead of a random page, and a grouped commit of many tokens writes one index
 * page, not one per token (each page is a WAL frame; random keys also push the index out of
 * SQLite's page cache).
 */
export function newOrderedToken(bytes = 32): string {
  // Wall time only orders keys; the injected clock (frozen in tests) decides every lifetime.
  return `${Date.now().toString(36)}.${randomToken(bytes)}`;
}

/**
 * A new refresh-token family id: `<issue time in ms, base36>.<128 random bits>`. The family index
 * holds one entry per live refresh token; an id that ascends with time puts a new sign-in's entry
 * on the index's right edge instead of a random page (the reasoning of `newOrderedToken`).
 */
export function newFamilyId(): string {
  return newOrderedToken(16);
}

/**
 * How a stored token is kept and found: its SHA-256, after its ordering prefix when it has one.
 * Tokens issued before the prefix existed (base64url, which has no '.') hash as before; a JWT's
 * first '.' is far past the prefix's length, so a JWT presented here hashes plainly too.
 */
export function storedTokenKey(token: string): string {
  const dot = token.indexOf('.');
  return dot > 0 && dot <= 12 ? `${token.slice(0, dot + 1)}${sha256(token)}` : sha256(token);
}

/**
 * The smallest stored key of a token issued at `wallMs` (epoch milliseconds) or later: keys below
 * it belong to tokens issued before, or to tokens from before the ordering prefix existed.
 * Housekeeping deletes expired rows below such a bound, reading only the key index's oldest range.
 */
export function orderedKeyBound(wallMs: number): string {
  return `${Math.max(0, Math.floor(wallMs)).toString(36)}.`;
}
