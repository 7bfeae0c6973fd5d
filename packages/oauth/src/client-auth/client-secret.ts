import type { Client } from '../clients.ts';
import { invalidClient } from '../errors.ts';
import { safeEqual, sha256 } from '../secrets.ts';
import type { ClientAuthMethodHandler, PresentedCredentials } from './types.ts';

const challenges = new Map<string, Record<string, string>>();

/** RFC 6749 §5.2: the `WWW-Authenticate` a failed Basic authentication answers with. */
export function basicChallenge(issuer: string): Record<string, string> {
  let challenge = challenges.get(issuer);
  if (!challenge) {
    challenge = Object.freeze({ 'WWW-Authenticate': `Basic realm="${issuer}"` }) as Record<string, string>;
    challenges.set(issuer, challenge);
  }
  return challenge;
}

/** Stored hash vs presented secret, in constant time (RFC 6749 §2.3.1). */
function verifySecret(credentials: PresentedCredentials, client: Client, challenge?: Record<string, string>): void {
  const { secret } = credentials;
  const hash = client.client_secret_hash;
  if (!secret || !hash || !safeEqual(credentials.secretHash ?? sha256(secret), hash))
    throw invalidClient('client authentication failed', challenge);
}

/** RFC 6749 §2.3.1: HTTP Basic with the form-encoded client id and secret. */
export const clientSecretBasic: ClientAuthMethodHandler = {
  method: 'client_secret_basic',
  verify(credentials, client, context) {
    verifySecret(credentials, client, basicChallenge(context.issuer));
  },
};

/** RFC 6749 §2.3.1: `client_id` and `client_secret` in the request body. */
export const clientSecretPost: ClientAuthMethodHandler = {
  method: 'client_secret_post',
  verify(credentials, client) {
    verifySecret(credentials, client);
  },
};

/** Public clients (RFC 7591 §2 `none`): identified, not authenticated. */
export const noClientAuth: ClientAuthMethodHandler = {
  method: 'none',
  verify() {},
};
