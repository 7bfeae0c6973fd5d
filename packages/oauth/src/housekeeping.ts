import { defaultAccessTokenTtl } from './apis.ts';
import type { OAuthContext } from './context.ts';
import { orderedKeyBound } from './ordered-tokens.ts';

/** Rows deleted by one sweep, by table. */
export interface SweepResult {
  accessTokens: number;
  refreshTokens: number;
  authorizationCodes: number;
  interactions: number;
  sessions: number;
  replayMarkers: number;
}

/**
 * How long a used or expired authorization code is kept past its expiry: a replay within this
 * time still revokes the tokens issued from it (RFC 6749 §4.1.2); a later one is refused as an
 * unknown code.
 */
export const codeReplayWindowSeconds = 3600;

/**
 * Deletes what can no longer matter: expired opaque access tokens, replay markers, sessions,
 * abandoned sign-in requests, authorization codes past their replay window, and refresh tokens
 * past their own expiry (a rotated one presented after that is refused as unknown instead of
 * revoking its family, which by then has rotated on or expired too).
 *
 * Keys of opaque access tokens, sessions, sign-in requests, codes and refresh tokens ascend with
 * their issue time (ordered-tokens.ts): everything issued more than a lifetime ago (for access
 * tokens, the longest any API now gives) sorts below a bound, so each
 * delete reads only the oldest range of its key index, and keeps whatever there is not expired
 * yet (a lifetime lengthened since, a session extended). `wallMs` is the wall clock the keys were
 * ordered by; `context.clock` decides expiry.
 */
export async function sweepExpired(context: OAuthContext, wallMs = Date.now()): Promise<SweepResult> {
  const now = context.clock();
  const { people, policy } = context;
  const issuedBefore = (seconds: number) => orderedKeyBound(wallMs - seconds * 1000);
  // One after the other: a sweep is background work and should not crowd the database.
  // Opaque access tokens live as long as their API says (userinfo tokens are JWTs, never stored).
  let longestTokenTtl = defaultAccessTokenTtl;
  for (const api of (await context.apis.all()).values()) longestTokenTtl = Math.max(longestTokenTtl, api.access_token_ttl);
  const accessTokens = await context.accessTokens.deleteExpired(now, issuedBefore(longestTokenTtl));
  const replayMarkers = await context.replay.deleteExpired(now);
  const sessions = await people.sessions.deleteExpired(now, issuedBefore(policy.sessionTtl));
  const interactions = await people.interactions.deleteExpired(now, issuedBefore(policy.interactionTtl));
  const authorizationCodes = await people.codes.deleteExpired(
    now - codeReplayWindowSeconds,
    issuedBefore(policy.authorizationCodeTtl + codeReplayWindowSeconds),
  );
  const refreshTokens = await people.refreshTokens.deleteExpired(now, issuedBefore(policy.refreshTokenIdleTtl));
  return { accessTokens, refreshTokens, authorizationCodes, interactions, sessions, replayMarkers };
}
