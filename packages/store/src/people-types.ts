/** Storage roles for people: accounts, sessions, authorization requests, codes, grants, refresh tokens. */

export interface UserRecord {
  user_id: string;
  username: string;
  email: string | null;
  name: string | null;
  password_hash: string | null;
  roles: string[];
  groups: string[];
  disabled: boolean;
  /** Whether `email` is known to belong to the user (set by an administrator; OIDC `email_verified`). */
  email_verified: boolean;
  created_at: number;
  updated_at: number;
}

/** How and when the person authenticated (OIDC Core §2 `auth_time`, `acr`, `amr`). */
export interface Authentication {
  auth_time: number;
  acr: string;
  amr: string[];
}

export interface SessionRecord extends Authentication {
  session_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

/** A pending authorization request, kept while the person signs in and consents. */
export interface InteractionRecord {
  interaction_id: string;
  request: Record<string, unknown>;
  created_at: number;
  expires_at: number;
}

export interface AuthorizationCodeRecord extends Authentication {
  code_hash: string;
  client_id: string;
  user_id: string;
  grant_id: string;
  redirect_uri: string;
  code_challenge: string;
  scope: string;
  resource: string | null;
  nonce: string | null;
  session_hash: string | null;
  /** The refresh-token family (and opaque access tokens) that redeeming this code starts. */
  family_id: string;
  expires_at: number;
  consumed_at: number | null;
}

/** What a person allowed a client (remembered consent), and the handle to revoke it all. */
export interface GrantRecord {
  grant_id: string;
  user_id: string;
  client_id: string;
  scope: string;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface RefreshTokenRecord extends Authentication {
  token_hash: string;
  family_id: string;
  grant_id: string;
  client_id: string;
  user_id: string;
  scope: string;
  resource: string | null;
  issued_at: number;
  /** Sliding expiry: each rotation extends it, never past `family_expires_at`. */
  expires_at: number;
  family_expires_at: number;
  rotated_at: number | null;
  revoked_at: number | null;
}

export interface UserStore {
  get(userId: string): Promise<UserRecord | undefined>;
  findByUsername(username: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  /** Inserts or replaces by user_id; fails if the username belongs to another user. */
  upsert(record: UserRecord): Promise<void>;
  setPasswordHash(userId: string, hash: string, at: number): Promise<void>;
  delete(userId: string): Promise<boolean>;
}

export interface SessionStore {
  insert(record: SessionRecord): Promise<void>;
  find(sessionHash: string): Promise<SessionRecord | undefined>;
  delete(sessionHash: string): Promise<void>;
  deleteForUser(userId: string): Promise<number>;
  /**
   * Housekeeping: deletes the rows whose key sorts below `keyBelow` and that expired before
   * `now`, and answers how many. Keys made by the ordered-token scheme ascend with their issue
   * time, so the bound confines the delete to the key index's oldest range (no expiry index).
   */
  deleteExpired(now: number, keyBelow: string): Promise<number>;
}

export interface InteractionStore {
  insert(record: InteractionRecord): Promise<void>;
  find(interactionId: string): Promise<InteractionRecord | undefined>;
  /** Removes it; true for exactly one of concurrent callers (the one whose delete found it). */
  delete(interactionId: string): Promise<boolean>;
  /**
   * Housekeeping: deletes the rows whose key sorts below `keyBelow` and that expired before
   * `now`, and answers how many. Keys made by the ordered-token scheme ascend with their issue
   * time, so the bound confines the delete to the key index's oldest range (no expiry index).
   */
  deleteExpired(now: number, keyBelow: string): Promise<number>;
}

export interface AuthorizationCodeStore {
  insert(record: AuthorizationCodeRecord): Promise<void>;
  /**
   * Marks the code used, atomically: `consumed` holds the record for exactly one caller;
   * later callers get `replayed` with the record (so its tokens can be revoked), or nothing.
   */
  consume(codeHash: string, at: number): Promise<{ outcome: 'consumed' | 'replayed'; record: AuthorizationCodeRecord } | undefined>;
  /**
   * Housekeeping: deletes the rows whose key sorts below `keyBelow` and that expired before
   * `now`, and answers how many. Keys made by the ordered-token scheme ascend with their issue
   * time, so the bound confines the delete to the key index's oldest range (no expiry index).
   */
  deleteExpired(now: number, keyBelow: string): Promise<number>;
}

export interface GrantStore {
  /** The live grant of a user to a client, if any. */
  findActive(userId: string, clientId: string): Promise<GrantRecord | undefined>;
  get(grantId: string): Promise<GrantRecord | undefined>;
  listForUser(userId: string): Promise<GrantRecord[]>;
  upsert(record: GrantRecord): Promise<void>;
  touch(grantId: string, at: number): Promise<void>;
  revoke(grantId: string, at: number): Promise<boolean>;
  /**
   * Every token family (code redemption) made under the grant whose tokens may still work, to
   * revoke them: call it before revoking the grant's refresh tokens.
   */
  families(grantId: string): Promise<string[]>;
}

export interface RefreshTokenStore {
  insert(record: RefreshTokenRecord): Promise<void>;
  find(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** The token and its user's account (undefined once deleted), in one query: what a refresh reads. */
  findWithUser(tokenHash: string): Promise<{ token: RefreshTokenRecord; user: UserRecord | undefined } | undefined>;
  /** Marks the token rotated if it is still current; exactly one concurrent caller wins. */
  rotate(tokenHash: string, at: number): Promise<boolean>;
  /**
   * Revokes the family's live tokens (neither rotated nor revoked) and answers how many: a rotated
   * token is spent already, and presenting it again revokes its family.
   */
  revokeFamily(familyId: string, at: number): Promise<number>;
  /** Revokes the live tokens of every family of the grant, as revokeFamily does. */
  revokeGrant(grantId: string, at: number): Promise<number>;
  /**
   * Housekeeping: deletes the rows whose key sorts below `keyBelow` and that expired before
   * `now`, and answers how many. Keys made by the ordered-token scheme ascend with their issue
   * time, so the bound confines the delete to the key index's oldest range (no expiry index).
   */
  deleteExpired(now: number, keyBelow: string): Promise<number>;
}

export interface PeopleStores {
  users: UserStore;
  sessions: SessionStore;
  interactions: InteractionStore;
  codes: AuthorizationCodeStore;
  grants: GrantStore;
  refreshTokens: RefreshTokenStore;
}
