import type { SessionRecord, UserRecord } from '@portcullis/store';
import type { OAuthContext } from '../context.ts';
import { newOrderedToken, storedTokenKey } from '../ordered-tokens.ts';

/** The acr of a password sign-in; stronger methods (MFA, passkeys) will add their own. */
export const passwordAcr = 'urn:portcullis:loa:1';

/** Starts a browser session after a sign-in; the cookie carries the value, the store its hash. */
export async function createSession(
  context: OAuthContext,
  user: UserRecord,
  method: { acr: string; amr: string[] },
): Promise<{ cookie: string; session: SessionRecord }> {
  const now = context.clock();
  // Ordered like stored tokens: its key lands on the index's right edge, and housekeeping finds
  // old sessions by key range.
  const cookie = newOrderedToken();
  const session: SessionRecord = {
    session_hash: storedTokenKey(cookie),
    user_id: user.user_id,
    auth_time: now,
    acr: method.acr,
    amr: method.amr,
    created_at: now,
    expires_at: now + context.policy.sessionTtl,
  };
  await context.people.sessions.insert(session);
  return { cookie, session };
}

/** The live session a cookie names, if any. */
export async function findSession(context: OAuthContext, cookie: string | undefined): Promise<SessionRecord | undefined> {
  if (!cookie) return undefined;
  const session = await context.people.sessions.find(storedTokenKey(cookie));
  return session && session.expires_at > context.clock() ? session : undefined;
}

export async function endSession(context: OAuthContext, cookie: string | undefined): Promise<void> {
  if (cookie) await context.people.sessions.delete(storedTokenKey(cookie));
}
