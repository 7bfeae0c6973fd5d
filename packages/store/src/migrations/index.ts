import type { Migration } from 'kysely/migration';
import * as oauthCore from './0001-oauth-core.ts';
import * as authz from './0002-authz.ts';
import * as people from './0004-people.ts';
import * as partialGrantIndex from './0006-partial-grant-index.ts';
import * as fgaConditionedTuples from './0007-fga-conditioned-tuples.ts';
import * as peopleLiveTokenIndexes from './0008-people-live-token-indexes.ts';
import * as replayGuardExpiry from './0009-replay-guard-expiry.ts';
import * as accessTokenExpiryByKey from './0010-access-token-expiry-by-key.ts';
import * as userEmailVerified from './0011-user-email-verified.ts';
import * as revokedGrants from './0012-revoked-grants.ts';
import * as accessTokensWithoutRowid from './0013-access-tokens-without-rowid.ts';

/** Every migration, in order. Names are versions: never rename or edit a released one. */
export const migrations: Record<string, Migration> = {
  '0001-oauth-core': oauthCore,
  '0002-authz': authz,
  '0004-people': people,
  '0006-partial-grant-index': partialGrantIndex,
  '0007-fga-conditioned-tuples': fgaConditionedTuples,
  '0008-people-live-token-indexes': peopleLiveTokenIndexes,
  '0009-replay-guard-expiry': replayGuardExpiry,
  '0010-access-token-expiry-by-key': accessTokenExpiryByKey,
  '0011-user-email-verified': userEmailVerified,
  '0012-revoked-grants': revokedGrants,
  '0013-access-tokens-without-rowid': accessTokensWithoutRowid,
};
