import { createHash } from 'node:crypto';
import { invalidGrant, invalidRequest } from '../errors.ts';
import { safeEqual } from '../secrets.ts';

// RFC 7636 §4.1: code_verifier = 43*128unreserved; the S256 challenge has the same alphabet.
const verifierPattern = /^[A-Za-z0-9\-._~]{43,128}$/;

/** RFC 7636 §4.3 as OAuth 2.1 profiles it: a challenge is required and only S256 is accepted. */
export function requireS256Challenge(challenge: string | undefined, method: string | undefined): string {
  if (challenge === undefined) throw invalidRequest('code_challenge is required (PKCE)');
  // §4.3: an omitted method means "plain", which is refused.
  if (method !== 'S256') throw invalidRequest('code_challenge_method must be S256');
  if (!/^[A-Za-z0-9\-_]{43}$/.test(challenge)) throw invalidRequest('code_challenge must be a base64url SHA-256');
  return challenge;
}

/** RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the stored challenge. */
export function verifyCodeVerifier(verifier: string | undefined, challenge: string): void {
  if (verifier === undefined) throw invalidRequest('code_verifier is required');
  if (!verifierPattern.test(verifier)) throw invalidGrant('code_verifier is malformed');
  const computed = createHash('sha256').update(verifier).digest('base64url');
  if (!safeEqual(computed, challenge)) throw invalidGrant('code_verifier does not match the code_challenge');
}
