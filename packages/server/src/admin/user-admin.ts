import { invalidRequest, notFound, randomToken, revokeGrant } from '@portcullis/oauth';
import type { GrantRecord, UserRecord } from '@portcullis/store';
import type { Runtime } from '../runtime.ts';

/** A user as the admin API shows it: never the password hash. */
export type UserView = Omit<UserRecord, 'password_hash'> & { has_password: boolean };

export function userView(user: UserRecord): UserView {
  const { password_hash, ...rest } = user;
  return { ...rest, has_password: password_hash !== null };
}

const usernamePattern = /^[A-Za-z0-9._@+-]{1,128}$/;

function stringList(input: Record<string, unknown>, key: string): string[] | undefined {
  const value = input[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !v))
    throw invalidRequest(`${key} must be a list of non-empty strings`);
  return value as string[];
}

function optionalString(input: Record<string, unknown>, key: string): string | null | undefined {
  const value = input[key];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw invalidRequest(`${key} must be a string`);
  return value;
}

interface ValidatedUser {
  username: string;
  password?: string;
  email?: string | null;
  name?: string | null;
  roles?: string[];
  groups?: string[];
  disabled?: boolean;
  email_verified?: boolean;
}

function validateUser(input: Record<string, unknown>, requireUsername: boolean): ValidatedUser {
  const known = new Set(['user_id', 'username', 'password', 'email', 'email_verified', 'name', 'roles', 'groups', 'disabled']);
  for (const key of Object.keys(input)) if (!known.has(key)) throw invalidRequest(`unknown user field ${key}`);
  const username = input.username;
  if ((requireUsername || username !== undefined) && (typeof username !== 'string' || !usernamePattern.test(username))) {
    throw invalidRequest('username must be 1-128 characters of letters, digits and . _ @ + -');
  }
  const password = optionalString(input, 'password');
  if (password !== undefined && password !== null && password.length < 8) throw invalidRequest('password must be at least 8 characters');
  const email = optionalString(input, 'email');
  if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) throw invalidRequest('email is not an address');
  if (input.disabled !== undefined && typeof input.disabled !== 'boolean') throw invalidRequest('disabled must be a boolean');
  if (input.email_verified !== undefined && typeof input.email_verified !== 'boolean')
    throw invalidRequest('email_verified must be a boolean');
  return {
    username: username as string,
    ...(password ? { password } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(input.name !== undefined ? { name: optionalString(input, 'name') } : {}),
    ...(input.roles !== undefined ? { roles: stringList(input, 'roles') } : {}),
    ...(input.groups !== undefined ? { groups: stringList(input, 'groups') } : {}),
    ...(input.disabled !== undefined ? { disabled: input.disabled as boolean } : {}),
    ...(input.email_verified !== undefined ? { email_verified: input.email_verified as boolean } : {}),
  };
}

/**
 * OIDC `email_verified` as an administrator sets it: only with an address, and a new address is
 * unverified unless the same change says otherwise.
 */
function emailVerified(
  email: string | null,
  requested: boolean | undefined,
  before?: { email: string | null; email_verified: boolean },
): boolean {
  const verified = requested ?? (before !== undefined && before.email === email ? before.email_verified : false);
  if (verified && !email) throw invalidRequest('email_verified needs an email');
  return verified;
}

export async function createUser(runtime: Runtime, input: Record<string, unknown>): Promise<UserView> {
  const validated = validateUser(input, true);
  const { people, clock, passwords } = runtime.context;
  if (await people.users.findByUsername(validated.username)) throw invalidRequest(`username ${validated.username} is taken`);
  const now = clock();
  const user: UserRecord = {
    user_id: typeof input.user_id === 'string' && usernamePattern.test(input.user_id) ? input.user_id : randomToken(16),
    username: validated.username,
    email: validated.email ?? null,
    name: validated.name ?? null,
    password_hash: validated.password ? await passwords.hash(validated.password) : null,
    roles: validated.roles ?? [],
    groups: validated.groups ?? [],
    disabled: validated.disabled ?? false,
    email_verified: emailVerified(validated.email ?? null, validated.email_verified),
    created_at: now,
    updated_at: now,
  };
  await people.users.upsert(user);
  return userView(user);
}

/** Declares a user from the config file (development): created or updated, idempotently. */
export async function applyUser(runtime: Runtime, input: Record<string, unknown>): Promise<'created' | 'updated' | 'unchanged'> {
  const validated = validateUser(input, true);
  const { people, passwords, clock } = runtime.context;
  const existing = await people.users.findByUsername(validated.username);
  if (!existing) {
    await createUser(runtime, input);
    return 'created';
  }
  const samePassword =
    validated.password === undefined ||
    (existing.password_hash !== null && (await passwords.verify(existing.password_hash, validated.password)));
  const next: UserRecord = {
    ...existing,
    email: validated.email ?? null,
    name: validated.name ?? null,
    roles: validated.roles ?? [],
    groups: validated.groups ?? [],
    disabled: validated.disabled ?? false,
    // The config file states the account whole: unverified unless it says so.
    email_verified: emailVerified(validated.email ?? null, validated.email_verified),
    password_hash: samePassword ? existing.password_hash : await passwords.hash(validated.password as string),
  };
  if (JSON.stringify(next) === JSON.stringify(existing)) return 'unchanged';
  await people.users.upsert({ ...next, updated_at: clock() });
  return 'updated';
}

async function requireUser(runtime: Runtime, userId: string): Promise<UserRecord> {
  const user = (await runtime.context.people.users.get(userId)) ?? (await runtime.context.people.users.findByUsername(userId));
  if (!user) throw notFound(`user ${userId} does not exist`);
  return user;
}

export async function listUsers(runtime: Runtime): Promise<UserView[]> {
  return (await runtime.context.people.users.list()).map(userView);
}

/** A user by id or username. */
export async function getUser(runtime: Runtime, userId: string): Promise<UserView> {
  return userView(await requireUser(runtime, userId));
}

/** Changes profile, roles, groups or the disabled flag; disabling ends the user's sessions. */
export async function updateUser(runtime: Runtime, userId: string, input: Record<string, unknown>): Promise<UserView> {
  const existing = await requireUser(runtime, userId);
  if (input.password !== undefined) throw invalidRequest('use the password endpoint to set a password');
  const validated = validateUser(input, false);
  if (
    validated.username &&
    validated.username !== existing.username &&
    (await runtime.context.people.users.findByUsername(validated.username))
  ) {
    throw invalidRequest(`username ${validated.username} is taken`);
  }
  const changed = { ...existing, ...Object.fromEntries(Object.entries(validated).filter(([, v]) => v !== undefined)) } as UserRecord;
  const next: UserRecord = {
    ...changed,
    email_verified: emailVerified(changed.email, validated.email_verified, existing),
    updated_at: runtime.context.clock(),
  };
  await runtime.context.people.users.upsert(next);
  if (next.disabled) await runtime.context.people.sessions.deleteForUser(next.user_id);
  return userView(next);
}

export async function setUserPassword(runtime: Runtime, userId: string, password: unknown): Promise<void> {
  const user = await requireUser(runtime, userId);
  if (typeof password !== 'string' || password.length < 8) throw invalidRequest('password must be at least 8 characters');
  await runtime.context.people.users.setPasswordHash(user.user_id, await runtime.context.passwords.hash(password), runtime.context.clock());
}

/** Deletes the account, its sessions and everything it granted. */
export async function deleteUser(runtime: Runtime, userId: string): Promise<void> {
  const user = await requireUser(runtime, userId);
  for (const grant of await runtime.context.people.grants.listForUser(user.user_id)) await revokeGrant(runtime.context, grant.grant_id);
  await runtime.context.people.sessions.deleteForUser(user.user_id);
  await runtime.context.people.users.delete(user.user_id);
}

export type GrantView = GrantRecord & { client_name: string };

/** The applications a user has authorised (what the account page shows). */
export async function listUserGrants(runtime: Runtime, userId: string): Promise<GrantView[]> {
  const user = await requireUser(runtime, userId);
  const grants = await runtime.context.people.grants.listForUser(user.user_id);
  return Promise.all(
    grants.map(async (g) => ({ ...g, client_name: (await runtime.context.clients.get(g.client_id))?.client_name ?? g.client_id })),
  );
}

export async function revokeUserGrant(runtime: Runtime, userId: string, grantId: string): Promise<void> {
  const user = await requireUser(runtime, userId);
  const grant = await runtime.context.people.grants.get(grantId);
  if (!grant || grant.user_id !== user.user_id || grant.revoked_at !== null) throw notFound(`grant ${grantId} does not exist`);
  await revokeGrant(runtime.context, grantId);
}
