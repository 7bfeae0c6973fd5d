import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A 256-bit random value, base64url: tokens, secrets, handles. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 of a high-entropy value, base64url: how tokens and client secrets are stored. */
export function sha256(value: string): string {
  // One-shot hash(): several times cheaper than createHash() for short inputs.
  return hash('sha256', value, 'base64url');
}

/** Constant-time comparison of two strings (lengths may leak; the values do not). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
