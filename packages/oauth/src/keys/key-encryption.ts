import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

/**
 * Envelope for signing keys at rest: AES-256-GCM under a key derived from the configured
 * key-encryption key, with the key id as associated data so ciphertexts cannot be swapped.
 */
export class KeyEncryption {
  readonly #key: Buffer;

  constructor(secret: string) {
    if (secret.length < 16) throw new Error('the key-encryption key must be at least 16 characters');
    // scrypt makes a passphrase costly to brute-force; it runs once at start-up.
    this.#key = scryptSync(secret, 'portcullis/signing-keys/v1', 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  }

  encrypt(plaintext: Buffer, keyId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(keyId));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  decrypt(envelope: string, keyId: string): Buffer {
    const [version, iv, body, tag] = envelope.split('.');
    if (version !== 'v1' || !iv || !body || !tag) throw new Error(`signing key ${keyId} has an unknown envelope format`);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(keyId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    } catch {
      throw new Error(`signing key ${keyId} cannot be decrypted: is the key-encryption key the one it was stored with?`);
    }
  }
}
