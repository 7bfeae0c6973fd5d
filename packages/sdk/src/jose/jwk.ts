import { createPublicKey, type KeyObject } from 'node:crypto';
import { isVerifiableAlgorithm, type VerifiableAlgorithm } from './algorithms.ts';

/** A published key ready to verify with, and the algorithms it may be used with. */
export interface VerificationKey {
  kid: string | undefined;
  key: KeyObject;
  algorithms: ReadonlySet<VerifiableAlgorithm>;
}

/** What a key type can sign with when the JWK does not pin `alg` (RFC 7518 §6, RFC 8037 §2). */
function algorithmsFor(jwk: Record<string, unknown>): VerifiableAlgorithm[] {
  switch (jwk.kty) {
    case 'EC':
      return (
        ({ 'P-256': ['ES256'], 'P-384': ['ES384'], 'P-521': ['ES512'] } as Record<string, VerifiableAlgorithm[]>)[String(jwk.crv)] ?? []
      );
    case 'RSA':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'OKP':
      return jwk.crv === 'Ed25519' || jwk.crv === 'Ed448' ? ['EdDSA'] : [];
    default:
      return [];
  }
}

const publicMembers: Record<string, string[]> = { EC: ['kty', 'crv', 'x', 'y'], RSA: ['kty', 'n', 'e'], OKP: ['kty', 'crv', 'x'] };

/**
 * Imports one JWK for verification, or undefined when it cannot serve: symmetric (`oct`)
 * keys, keys for encryption, RSA keys under 2048 bits (RFC 7518 §3.3), unknown types. The
 * algorithms it may verify are its own `alg` (or what its type allows) within `allowed`.
 */
export function importVerificationKey(jwk: Record<string, unknown>, allowed: ReadonlySet<string>): VerificationKey | undefined {
  const members = publicMembers[String(jwk.kty)];
  if (!members) return undefined;
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify')) return undefined;
  const candidates = jwk.alg === undefined ? algorithmsFor(jwk) : [jwk.alg].filter(isVerifiableAlgorithm);
  const algorithms = new Set(candidates.filter((alg) => allowed.has(alg) && algorithmsFor(jwk).includes(alg)));
  if (algorithms.size === 0) return undefined;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Object.fromEntries(members.map((m) => [m, jwk[m]])) as never, format: 'jwk' });
  } catch {
    return undefined;
  }
  if (jwk.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return undefined;
  return { kid: typeof jwk.kid === 'string' ? jwk.kid : undefined, key, algorithms };
}
