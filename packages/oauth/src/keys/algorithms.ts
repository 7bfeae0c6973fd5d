import { constants, sign as cryptoSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { derToJose } from './ecdsa-signature.ts';

/** Signing algorithms Portcullis can issue with (RFC 7518 §3, RFC 8037). */
export const signingAlgorithms = ['ES256', 'RS256', 'PS256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof signingAlgorithms)[number];

export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return typeof value === 'string' && (signingAlgorithms as readonly string[]).includes(value);
}

/** A fresh key pair for `alg`. */
export function generateKeyPair(alg: SigningAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (alg) {
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'RS256':
    case 'PS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'EdDSA':
      return generateKeyPairSync('ed25519');
  }
}

/** Signs `data` as JWS `alg` requires (raw r||s for ECDSA, RFC 7518 §3.4). */
export function signWith(alg: SigningAlgorithm, key: KeyObject, data: Buffer): Buffer {
  switch (alg) {
    case 'ES256':
      return derToJose(cryptoSign('sha256', data, key), 32);
    case 'RS256':
      return cryptoSign('sha256', data, key);
    case 'PS256':
      return cryptoSign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    case 'EdDSA':
      return cryptoSign(null, data, key);
  }
}
