import { hash } from 'node:crypto';

/** Cache key for a token: its SHA-256, so no cache ever holds a usable token. */
export function tokenHash(token: string): string {
  // One-shot hash: no Hash object per request on the hot path.
  return hash('sha256', token, 'base64url');
}
