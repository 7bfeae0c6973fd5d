import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomToken } from '@portcullis/oauth';
import type { Config } from './config/types.ts';

/**
 * The key-encryption key from configuration; without one, a development key persisted under
 * `data_dir` (created on first use) so restarts can still decrypt the signing keys.
 */
export function resolveKeyEncryptionKey(config: Config, warn: (message: string) => void): string {
  if (config.keys.encryption_key) return config.keys.encryption_key;
  const dir = resolve(config.data_dir);
  const file = join(dir, 'dev-key-encryption.key');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, `${randomToken(32)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  warn(
    `WARNING: no keys.encryption_key (PORTCULLIS_KEYS_ENCRYPTION_KEY) is configured; signing keys are encrypted with the development key in ${file}. Set a key-encryption key before production use.`,
  );
  return readFileSync(file, 'utf8').trim();
}
