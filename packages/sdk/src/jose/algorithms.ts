import { constants, type KeyObject, verify } from 'node:crypto';

/** Asymmetric JWS algorithms this SDK verifies (RFC 7518 §3, RFC 8037). HMAC and `none` are never here. */
export const verifiableAlgorithms = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'] as const;
export type VerifiableAlgorithm = (typeof verifiableAlgorithms)[number];

/** The default allow-list: what Portcullis signs with. */
export const defaultAlgorithms: readonly VerifiableAlgorithm[] = ['ES256', 'RS256', 'PS256', 'EdDSA'];

export function isVerifiableAlgorithm(value: unknown): value is VerifiableAlgorithm {
  return typeof value === 'string' && (verifiableAlgorithms as readonly string[]).includes(value);
}

const hashes = { '256': 'sha256', '384': 'sha384', '512': 'sha512' } as const;
/** RFC 7518 §3.4: an ECDSA signature is R || S, each the size of the curve's order. */
const ecSignatureLength = { ES256: 64, ES384: 96, ES512: 132 } as const;

/** Checks a JWS signature with node:crypto (synchronous and faster than WebCrypto on this path). */
export function verifySignature(alg: VerifiableAlgorithm, key: KeyObject, data: Buffer, signature: Buffer): boolean {
  if (alg === 'EdDSA') return verify(null, data, key, signature);
  const hash = hashes[alg.slice(2) as keyof typeof hashes];
  switch (alg.slice(0, 2)) {
    case 'ES':
      if (signature.length !== ecSignatureLength[alg as keyof typeof ecSignatureLength]) return false;
      return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    case 'RS':
      return verify(hash, data, key, signature);
    default:
      return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
  }
}
