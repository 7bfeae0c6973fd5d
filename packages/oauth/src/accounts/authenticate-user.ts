import type { UserRecord, UserStore } from '@portcullis/store';
import type { PasswordHasher } from './password-hasher.ts';

export type PasswordCheck = { ok: true; user: UserRecord } | { ok: false };

/**
 * Checks a username and password. Unknown, disabled and password-less accounts take as long as
 * a wrong password, and all answer the same, so the result reveals nothing about the account.
 * A correct password stored with outdated parameters is re-hashed on the way.
 */
export async function checkPassword(
  users: UserStore,
  hasher: PasswordHasher,
  username: string,
  password: string,
  now: number,
): Promise<PasswordCheck> {
  const user = await users.findByUsername(username);
  if (!user?.password_hash || user.disabled) {
    await hasher.verifyNothing(password);
    return { ok: false };
  }
  if (!(await hasher.verify(user.password_hash, password))) return { ok: false };
  if (hasher.needsRehash(user.password_hash)) await users.setPasswordHash(user.user_id, await hasher.hash(password), now);
  return { ok: true, user };
}
