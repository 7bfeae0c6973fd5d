import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OAuthContext } from './context.ts';
import { codeReplayWindowSeconds, sweepExpired } from './housekeeping.ts';
import { orderedKeyBound } from './ordered-tokens.ts';

/** A context whose stores record each sweep call and report one row deleted. */
function recordingContext() {
  const calls: Record<string, unknown[]> = {};
  const sweeper = (name: string) => ({
    deleteExpired: async (...args: unknown[]) => {
      calls[name] = args;
      return 1;
    },
  });
  const apis = new Map([
    ['https://short.example', { access_token_ttl: 300 }],
    ['https://long.example', { access_token_ttl: 7200 }],
  ]);
  const context = {
    clock: () => 10_000,
    apis: { all: async () => apis },
    accessTokens: sweeper('accessTokens'),
    replay: sweeper('replay'),
    people: {
      sessions: sweeper('sessions'),
      interactions: sweeper('interactions'),
      codes: sweeper('codes'),
      refreshTokens: sweeper('refreshTokens'),
    },
    policy: { sessionTtl: 28_800, interactionTtl: 900, authorizationCodeTtl: 60, refreshTokenIdleTtl: 1_209_600 },
  } as unknown as OAuthContext;
  return { context, calls };
}

test('a sweep deletes from every table what expired, each keyed table below the bound of its lifetime', async () => {
  const { context, calls } = recordingContext();
  const wall = Date.UTC(2026, 10, 23);
  const result = await sweepExpired(context, wall);
  assert.deepEqual(result, { accessTokens: 1, refreshTokens: 1, authorizationCodes: 1, interactions: 1, sessions: 1, replayMarkers: 1 });
  // Access tokens: below the longest lifetime any API gives now (7200 s here).
  assert.deepEqual(calls.accessTokens, [10_000, orderedKeyBound(wall - 7_200_000)]);
  assert.deepEqual(calls.replay, [10_000]);
  assert.deepEqual(calls.sessions, [10_000, orderedKeyBound(wall - 28_800_000)]);
  assert.deepEqual(calls.interactions, [10_000, orderedKeyBound(wall - 900_000)]);
  assert.deepEqual(calls.refreshTokens, [10_000, orderedKeyBound(wall - 1_209_600_000)]);
  // Codes stay for the replay window past their expiry, so a late replay still revokes their tokens.
  assert.deepEqual(calls.codes, [10_000 - codeReplayWindowSeconds, orderedKeyBound(wall - (60 + codeReplayWindowSeconds) * 1000)]);
});
