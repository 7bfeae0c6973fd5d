import type { AuthzDatabase } from './authz-schema.ts';
import type { PeopleDatabase } from './people-schema.ts';

/** Row shapes of the tables, as Kysely sees them. Times are epoch seconds. */
export interface ClientsTable {
  client_id: string;
  client_secret_hash: string | null;
  metadata: string;
  created_at: number;
  updated_at: number;
}

export interface ApisTable {
  identifier: string;
  metadata: string;
  created_at: number;
  updated_at: number;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  private_key: string;
  created_at: number;
  activates_at: number;
  retired_at: number | null;
}

export interface AccessTokensTable {
  token_hash: string;
  client_id: string;
  subject: string;
  audience: string;
  scope: string;
  claims: string;
  grant_id: string | null;
  issued_at: number;
  expires_at: number;
  revoked_at: number | null;
}

/** Grants (refresh-token families) withdrawn: every opaque access token issued under one is revoked. */
export interface RevokedGrantsTable {
  grant_id: string;
  revoked_at: number;
}

export interface ReplayGuardTable {
  key: string;
  expires_at: number;
}

export interface Database extends AuthzDatabase, PeopleDatabase {
  clients: ClientsTable;
  apis: ApisTable;
  signing_keys: SigningKeysTable;
  access_tokens: AccessTokensTable;
  revoked_grants: RevokedGrantsTable;
  replay_guard: ReplayGuardTable;
}
