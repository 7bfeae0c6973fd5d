import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import type { SigningKeyRecord, SigningKeyStore } from '@portcullis/store';
import type { Clock } from '../clock.ts';
import { generateKeyPair, isSigningAlgorithm, type SigningAlgorithm, signWith } from './algorithms.ts';
import type { KeyEncryption } from './key-encryption.ts';

export interface PublicJwk {
  kty: string;
  kid: string;
  alg: string;
  use: 'sig';
  [member: string]: unknown;
}

/** A key ready to sign: the compact-JWS header is pre-encoded per `typ`. */
export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  sign(data: Buffer): Buffer;
}

export interface KeyRingOptions {
  store: SigningKeyStore;
  encryption: KeyEncryption;
  clock: Clock;
  algorithm: SigningAlgorithm;
  /** Seconds between publishing a new key and signing with it. */
  propagationDelay: number;
  /** Longest lifetime of anything signed: a retired key stays published this long. Read on refresh. */
  maxTokenLifetime: () => Promise<number>;
}

interface LoadedKey {
  record: SigningKeyRecord;
  signer: SigningKey;
}

/** RFC 7638 thumbprint, used as the `kid` so ids are stable and collision-free. */
function thumbprint(jwk: Record<string, unknown>): string {
  const members: Record<string, string[]> = { EC: ['crv', 'kty', 'x', 'y'], RSA: ['e', 'kty', 'n'], OKP: ['crv', 'kty', 'x'] };
  const required = members[String(jwk.kty)] ?? [];
  const canonical = JSON.stringify(Object.fromEntries(required.map((m) => [m, jwk[m]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * The signing keys: which one signs now, which are published, and rotation with overlap.
 * Reads the store, so a rotation made by another process (the CLI) is seen on `refresh()`.
 */
export class KeyRing {
  readonly #options: KeyRingOptions;
  #keys: LoadedKey[] = [];
  #jwksCache: { at: number; jwks: { keys: PublicJwk[] } } | undefined;
  #linger = 0;

  constructor(options: KeyRingOptions) {
    this.#options = options;
  }

  /** Loads keys from the store, creating the first one when there is none. */
  async init(): Promise<void> {
    await this.refresh();
    if (!this.#keys.some((k) => this.#isCurrent(k.record, this.#options.clock()))) {
      await this.rotate({ immediate: true });
    }
  }

  /** Re-reads the store; decrypts only keys it has not seen before. */
  async refresh(): Promise<void> {
    const records = await this.#options.store.list();
    this.#linger = await this.#options.maxTokenLifetime();
    const known = new Map(this.#keys.map((k) => [k.record.kid, k]));
    this.#keys = records.map((record) => {
      const existing = known.get(record.kid);
      return existing ? { ...existing, record } : { record, signer: this.#load(record) };
    });
    this.#jwksCache = undefined;
  }

  #load(record: SigningKeyRecord): SigningKey {
    if (!isSigningAlgorithm(record.alg)) throw new Error(`signing key ${record.kid} has unsupported alg ${record.alg}`);
    const alg = record.alg;
    const der = this.#options.encryption.decrypt(record.private_key, record.kid);
    const key: KeyObject = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return { kid: record.kid, alg, sign: (data) => signWith(alg, key, data) };
  }

  #isCurrent(record: SigningKeyRecord, now: number): boolean {
    return record.activates_at <= now && (record.retired_at === null || record.retired_at > now);
  }

  /** The key that signs at this moment: the most recently activated current key. */
  signingKey(): SigningKey {
    const now = this.#options.clock();
    let best: LoadedKey | undefined;
    for (const key of this.#keys) {
      if (this.#isCurrent(key.record, now) && (!best || key.record.activates_at >= best.record.activates_at)) best = key;
    }
    if (!best) throw new Error('no signing key is active');
    return best.signer;
  }

  /** Finds a published key's signer by kid (used to verify our own tokens). */
  publishedKeys(): SigningKeyRecord[] {
    const now = this.#options.clock();
    return this.#keys.map((k) => k.record).filter((r) => r.retired_at === null || now < r.retired_at + this.#linger);
  }

  /** The JWKS document (RFC 7517 §5): pending, current and still-needed retired keys. */
  jwks(): { keys: PublicJwk[] } {
    const now = this.#options.clock();
    if (this.#jwksCache && this.#jwksCache.at === now) return this.#jwksCache.jwks;
    const jwks = { keys: this.publishedKeys().map((r) => r.public_jwk as PublicJwk) };
    this.#jwksCache = { at: now, jwks };
    return jwks;
  }

  /**
   * Creates a key that is published at once and signs after the propagation delay (or at once
   * with `immediate`); the key it replaces stops signing at that moment and stays published
   * until every token it signed has expired.
   */
  async rotate(options: { immediate?: boolean; algorithm?: SigningAlgorithm } = {}): Promise<SigningKeyRecord> {
    const now = this.#options.clock();
    const alg = options.algorithm ?? this.#options.algorithm;
    const { privateKey, publicKey } = generateKeyPair(alg);
    const exported = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const kid = thumbprint(exported);
    const record: SigningKeyRecord = {
      kid,
      alg,
      public_jwk: { ...exported, kid, alg, use: 'sig' },
      private_key: this.#options.encryption.encrypt(privateKey.export({ format: 'der', type: 'pkcs8' }), kid),
      created_at: now,
      activates_at: options.immediate ? now : now + this.#options.propagationDelay,
      retired_at: null,
    };
    await this.#options.store.insert(record);
    await this.#options.store.retireCurrent(record.activates_at, kid);
    await this.refresh();
    return record;
  }

  /** Every key with its state at this moment, for `portcullis keys list`. */
  describe(): Array<{
    kid: string;
    alg: string;
    state: 'pending' | 'active' | 'retired' | 'expired';
    activates_at: number;
    retired_at: number | null;
  }> {
    const now = this.#options.clock();
    const signing = this.#keys.length ? this.signingKeyOrUndefined() : undefined;
    const published = new Set(this.publishedKeys().map((r) => r.kid));
    return this.#keys.map(({ record }) => ({
      kid: record.kid,
      alg: record.alg,
      state:
        record.kid === signing?.kid
          ? 'active'
          : record.activates_at > now && (record.retired_at === null || record.retired_at > record.activates_at)
            ? 'pending'
            : published.has(record.kid)
              ? 'retired'
              : 'expired',
      activates_at: record.activates_at,
      retired_at: record.retired_at,
    }));
  }

  signingKeyOrUndefined(): SigningKey | undefined {
    try {
      return this.signingKey();
    } catch {
      return undefined;
    }
  }
}
