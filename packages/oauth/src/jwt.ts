import { inTurnBatch } from '@portcullis/store/turn-batch';
import type { SigningKey } from './keys/key-ring.ts';

const headerCache = new Map<string, string>();

function encodedHeader(key: SigningKey, typ: string): string {
  const cacheKey = `${key.kid}\0${typ}`;
  let header = headerCache.get(cacheKey);
  if (!header) {
    header = Buffer.from(JSON.stringify({ alg: key.alg, typ, kid: key.kid })).toString('base64url');
    if (headerCache.size > 64) headerCache.clear();
    headerCache.set(cacheKey, header);
  }
  return header;
}

/** True for a compact JWS/JWT (RFC 7515 §7.1: three dot-separated parts); stored tokens have at most two. */
export function isCompactJwt(token: string): boolean {
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  return second > 0 && token.indexOf('.', second + 1) === -1;
}

function signingInput(key: SigningKey, typ: string, payload: Record<string, unknown>): string {
  return `${encodedHeader(key, typ)}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
}

function signed(key: SigningKey, input: string): string {
  return `${input}.${key.sign(Buffer.from(input)).toString('base64url')}`;
}

/** Compact JWS (RFC 7515 §7.1) of `payload`, signed by `key`, with explicit `typ` (RFC 8725 §3.11). */
export function signJwt(key: SigningKey, typ: string, payload: Record<string, unknown>): string {
  return signed(key, signingInput(key, typ, payload));
}

/**
 * `signJwt`, with the signature made once this event-loop turn's I/O callbacks have run, together
 * with every other signature requested in the turn. Back to back, signatures find the curve's
 * tables and the signer's state still in the CPU caches, which HTTP work between them evicts.
 */
export function signJwtBatched(key: SigningKey, typ: string, payload: Record<string, unknown>): Promise<string> {
  const input = signingInput(key, typ, payload);
  return inTurnBatch(async () => signed(key, input));
}
