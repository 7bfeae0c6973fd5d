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

/** Compact JWS (RFC 7515 §7.1) of `payload`, signed by `key`, with explicit `typ` (RFC 8725 §3.11). */
export function signJwt(key: SigningKey, typ: string, payload: Record<string, unknown>): string {
  const input = `${encodedHeader(key, typ)}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${key.sign(Buffer.from(input)).toString('base64url')}`;
}
