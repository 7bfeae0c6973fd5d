import { invalidToken } from '../errors.ts';

/** A compact JWS split into its parts (RFC 7515 §7.1); nothing verified yet. */
export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

const base64url = /^[A-Za-z0-9_-]*$/;

function parseJsonObject(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken(`the token's ${what} is not valid JSON`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidToken(`the token's ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** True when the string has the shape of a compact JWS (three base64url segments). */
export function looksLikeJwt(token: string): boolean {
  // indexOf, not split: this runs on every request and should not allocate.
  const first = token.indexOf('.');
  if (first <= 0) return false;
  const second = token.indexOf('.', first + 1);
  return second > first && token.indexOf('.', second + 1) === -1;
}

/** Splits and parses a compact JWS; throws `invalid_token` when it is malformed. */
export function decodeJws(token: string): DecodedJws {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => base64url.test(part))) throw invalidToken('the token is not a compact JWS');
  const [header, payload, signature] = parts as [string, string, string];
  return {
    header: parseJsonObject(header, 'header'),
    payload: parseJsonObject(payload, 'claims'),
    signingInput: Buffer.from(`${header}.${payload}`),
    signature: Buffer.from(signature, 'base64url'),
  };
}

/** Headers that would let the token choose its own verification key (RFC 8725 §3.10). */
const keySelectingHeaders = ['jku', 'x5u', 'jwk', 'x5c'];

/**
 * RFC 8725 §3.1–3.2: the algorithm must be on the allow-list (never `none`, never HMAC, which
 * would turn a public key into a shared secret), the key must come from our JWKS, and no
 * critical extension is understood (RFC 7515 §4.1.11).
 */
export function checkHeader(header: Record<string, unknown>, allowed: ReadonlySet<string>): string {
  const alg = header.alg;
  if (typeof alg !== 'string') throw invalidToken('the token has no alg');
  if (alg === 'none' || alg.startsWith('HS') || !allowed.has(alg)) throw invalidToken(`algorithm ${alg} is not accepted`);
  for (const name of keySelectingHeaders) {
    if (name in header) throw invalidToken(`the ${name} header is not accepted`);
  }
  if ('crit' in header) throw invalidToken('critical header extensions are not supported');
  if ('b64' in header) throw invalidToken('unencoded payloads are not accepted');
  return alg;
}
