import { invalidClient } from '../errors.ts';
import { safeEqual, sha256 } from '../secrets.ts';
import type { ClientAuthMethodHandler } from './types.ts';

/** Stored hash vs presented secret, in constant time. */
async function verifySecret(secret: string | undefined, hash: string | null, challenge?: Record<string, string>): Promise<void> {
  if (!secret || !hash || !safeEqual(sha256(secret), hash)) throw invalidClient('client authentication failed', challenge);
}

/** RFC 6749 §2.3.1: HTTP Basic with the form-encoded client id and secret. */
export const clientSecretBasic: ClientAuthMethodHandler = {
  method: 'client_secret_basic',
  async verify(credentials, client, context) {
    await verifySecret(credentials.secret, client.client_secret_hash, { 'WWW-Authenticate': `Basic realm="${context.issuer}"` });
  },
};

/** RFC 6749 §2.3.1: `client_id` and `client_secret` in the request body. */
export const clientSecretPost: ClientAuthMethodHandler = {
  method: 'client_secret_post',
  async verify(credentials, client) {
    await verifySecret(credentials.secret, client.client_secret_hash);
  },
};

/** Public clients (RFC 7591 §2 `none`): identified, not authenticated. */
export const noClientAuth: ClientAuthMethodHandler = {
  method: 'none',
  async verify() {},
};
