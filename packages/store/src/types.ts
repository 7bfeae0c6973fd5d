/** Storage interfaces by role. Core packages depend on these, never on SQL. */

/** A registered OAuth client. `metadata` uses RFC 7591 names; the secret is only ever a hash. */
export interface ClientRecord {
  client_id: string;
  client_secret_hash: string | null;
  metadata: Record<string, unknown>;
  created_at: number;
  updated_at: number;
}

/** A resource server (API): the audience of the tokens issued for it. */
export interface ApiRecord {
  identifier: string;
  metadata: Record<string, unknown>;
  created_at: number;
  updated_at: number;
}

/** A signing key. The private key is stored encrypted under the key-encryption key. */
export interface SigningKeyRecord {
  kid: string;
  alg: string;
  public_jwk: Record<string, unknown>;
  private_key: string;
  created_at: number;
  /** When the key starts signing; it is published in the JWKS from `created_at`. */
  activates_at: number;
  /** When the key stopped signing (a successor activated), or null while current. */
  retired_at: number | null;
}

/** An opaque access token, found by the SHA-256 of its value. */
export interface AccessTokenRecord {
  token_hash: string;
  client_id: string;
  subject: string;
  audience: string[];
  scope: string;
  claims: Record<string, unknown>;
  grant_id: string | null;
  issued_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface ClientStore {
  get(clientId: string): Promise<ClientRecord | undefined>;
  list(): Promise<ClientRecord[]>;
  /** Inserts or replaces; `created_at` of an existing row is kept. */
  upsert(record: ClientRecord): Promise<void>;
  delete(clientId: string): Promise<boolean>;
}

export interface ApiStore {
  get(identifier: string): Promise<ApiRecord | undefined>;
  list(): Promise<ApiRecord[]>;
  upsert(record: ApiRecord): Promise<void>;
  delete(identifier: string): Promise<boolean>;
}

export interface SigningKeyStore {
  list(): Promise<SigningKeyRecord[]>;
  insert(record: SigningKeyRecord): Promise<void>;
  /** Marks every current key (retired_at null) other than `except` as retired at `at`. */
  retireCurrent(at: number, except: string): Promise<number>;
  /** Deletes keys retired before `before`. */
  prune(before: number): Promise<number>;
}

/**
 * The longest lifetime an access token may be given (30 days): APIs are refused a longer one, and a
 * grant's revocation is kept this long, past which no token issued under it can still be live.
 */
export const longestAccessTokenTtl = 30 * 86_400;

export interface AccessTokenStore {
  insert(record: AccessTokenRecord): Promise<void>;
  /** The token, with `revoked_at` set when it or its grant was revoked. */
  find(tokenHash: string): Promise<AccessTokenRecord | undefined>;
  /** Marks the token revoked; false when unknown or already revoked. */
  revoke(tokenHash: string, at: number): Promise<boolean>;
  /**
   * Revokes every token issued under the grant, before or after this call (a revoked grant issues
   * none); false when it was revoked already. The first revocation's time stands.
   */
  revokeGrant(grantId: string, at: number): Promise<boolean>;
  /**
   * Housekeeping: deletes the tokens whose key sorts below `keyBelow` and that expired before
   * `now`, and answers how many (keys ascend with issue time: see the people stores' sweeps);
   * also forgets grant revocations older than `longestAccessTokenTtl`.
   */
  deleteExpired(now: number, keyBelow: string): Promise<number>;
}

/** Single-use markers (assertion `jti`s): a claim succeeds once per key until it expires. */
export interface ReplayStore {
  claim(key: string, expiresAt: number, now: number): Promise<boolean>;
  /** Housekeeping: deletes the markers that expired before `now` (an expired one guards nothing). */
  deleteExpired(now: number): Promise<number>;
}

export type Dialect = 'sqlite' | 'postgres';
