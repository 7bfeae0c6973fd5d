import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id of @node-rs/argon2 (a const enum, which erasable TypeScript cannot import).
const argon2id = 2;

/** argon2id parameters (OWASP Password Storage Cheat Sheet: m=19 MiB, t=2, p=1). */
export interface PasswordParameters {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const owaspParameters: PasswordParameters = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** Hashes and verifies passwords with argon2id; tells when a stored hash uses other parameters. */
export class PasswordHasher {
  readonly #parameters: PasswordParameters;
  readonly #encoded: string;
  #dummy: Promise<string> | undefined;

  constructor(parameters: PasswordParameters = owaspParameters) {
    this.#parameters = parameters;
    this.#encoded = `m=${parameters.memoryCost},t=${parameters.timeCost},p=${parameters.parallelism}`;
  }

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: argon2id, ...this.#parameters });
  }

  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  }

  /** Spends a verification's time on a fixed hash, so unknown accounts answer as slowly as known ones. */
  async verifyNothing(password: string): Promise<void> {
    this.#dummy ??= this.hash('portcullis-timing-equaliser');
    await this.verify(await this.#dummy, password);
  }

  /** True when the hash was made with other parameters (or another algorithm) than the current ones. */
  needsRehash(stored: string): boolean {
    return !stored.startsWith('$argon2id$') || !stored.includes(`$${this.#encoded}$`);
  }
}
