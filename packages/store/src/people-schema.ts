/** Tables of people: accounts, sessions, pending authorizations, codes, grants, refresh tokens. */
export interface UsersTable {
  user_id: string;
  username: string;
  email: string | null;
  name: string | null;
  password_hash: string | null;
  roles: string;
  groups: string;
  disabled: number;
  email_verified: number;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  session_hash: string;
  user_id: string;
  auth_time: number;
  acr: string;
  amr: string;
  created_at: number;
  expires_at: number;
}

export interface InteractionsTable {
  interaction_id: string;
  request: string;
  created_at: number;
  expires_at: number;
}

export interface AuthorizationCodesTable {
  code_hash: string;
  client_id: string;
  user_id: string;
  grant_id: string;
  redirect_uri: string;
  code_challenge: string;
  scope: string;
  resource: string | null;
  nonce: string | null;
  auth_time: number;
  acr: string;
  amr: string;
  session_hash: string | null;
  family_id: string;
  expires_at: number;
  consumed_at: number | null;
}

export interface GrantsTable {
  grant_id: string;
  user_id: string;
  client_id: string;
  scope: string;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  family_id: string;
  grant_id: string;
  client_id: string;
  user_id: string;
  scope: string;
  resource: string | null;
  auth_time: number;
  acr: string;
  amr: string;
  issued_at: number;
  expires_at: number;
  family_expires_at: number;
  rotated_at: number | null;
  revoked_at: number | null;
}

export interface PeopleDatabase {
  users: UsersTable;
  sessions: SessionsTable;
  interactions: InteractionsTable;
  authorization_codes: AuthorizationCodesTable;
  grants: GrantsTable;
  refresh_tokens: RefreshTokensTable;
}
