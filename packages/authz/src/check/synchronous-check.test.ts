import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAuthzEngine } from '../engine.ts';
import { MemoryTuples } from '../memory-tuples.ts';
import { checkModel, checkTuples, grantingTuples } from '../test-support.ts';
import type { TupleKey } from '../tuple-key.ts';
import { memoizedReader, type TupleReader } from '../tuple-reader.ts';
import { cachedCheckResolver } from './cache.ts';
import { localChecker } from './local-checker.ts';
import type { CheckRequest, ResolutionContext } from './types.ts';

const typesystem = checkModel;
const stored = checkTuples;

/** Memory tuples behind a reader that answers synchronously, and counts its reads. */
function synchronousReader(tuples: readonly TupleKey[]): TupleReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readByObject(object, relation) {
      reads.push(`${object}#${relation}`);
      return tuples.filter((x) => x.object === object && x.relation === relation);
    },
    readByObjectRelations(object, relations) {
      reads.push(`${object}#${relations.join(',')}`);
      return tuples.filter((x) => x.object === object && relations.includes(x.relation));
    },
    readByUsers: async (users, objectType, relation) =>
      tuples.filter((x) => users.includes(x.user) && x.relation === relation && x.object.startsWith(`${objectType}:`)),
  };
}

const asynchronous = new MemoryTuples().add(...stored);

const cases: Array<{ object: string; relation: string; user: string; context?: Record<string, unknown>; expect: boolean | string }> = [
  { object: 'document:1', relation: 'viewer', user: 'user:owner', expect: true },
  { object: 'document:1', relation: 'viewer', user: 'user:ed', expect: true },
  { object: 'document:1', relation: 'viewer', user: 'user:top', expect: true },
  { object: 'document:1', relation: 'viewer', user: 'user:nested', expect: true },
  { object: 'document:1', relation: 'viewer', user: 'user:nobody', expect: false },
  { object: 'document:1', relation: 'viewer', user: 'user:daytime', context: { hour: 10 }, expect: true },
  { object: 'document:1', relation: 'viewer', user: 'user:daytime', context: { hour: 20 }, expect: false },
  { object: 'document:1', relation: 'viewer', user: 'user:daytime', expect: 'validation_error' },
  // A missing parameter is an error only when no other branch grants.
  { object: 'document:1', relation: 'viewer', user: 'user:top', context: {}, expect: true },
  { object: 'document:2', relation: 'viewer', user: 'user:beyond', context: { hour: 10 }, expect: true },
  { object: 'document:2', relation: 'viewer', user: 'user:beyond', context: { hour: 3 }, expect: false },
  { object: 'document:2', relation: 'viewer', user: 'user:beyond', expect: 'validation_error' },
  { object: 'document:3', relation: 'viewer', user: 'user:anyone', expect: true },
  { object: 'document:3', relation: 'viewer', user: 'group:editors#member', expect: false },
  { object: 'document:4', relation: 'viewer', user: 'user:cyclic', expect: true },
  { object: 'document:4', relation: 'viewer', user: 'user:nobody', expect: false },
  { object: 'folder:l1', relation: 'reader', user: 'user:top', expect: false },
  { object: 'folder:l3', relation: 'reader', user: 'user:top', expect: true },
  { object: 'folder:l2', relation: 'reader', user: 'user:nested', expect: false },
  { object: 'folder:l3', relation: 'reader', user: 'user:nested', expect: true },
  { object: 'folder:l1', relation: 'reader', user: 'user:nested', expect: false },
  { object: 'folder:l1', relation: 'both', user: 'user:top', expect: false },
  { object: 'folder:l3', relation: 'both', user: 'user:top', expect: true },
  { object: 'folder:w2', relation: 'both', user: 'user:x', expect: true },
  { object: 'document:d0', relation: 'deep', user: 'user:deep', expect: 'authorization_model_resolution_too_complex' },
  { object: 'document:d10', relation: 'deep', user: 'user:deep', expect: true },
];

describe('checks over a synchronous reader', () => {
  const engine = createAuthzEngine({ cache: false });
  for (const c of cases)
    test(`${c.object}#${c.relation}@${c.user} ${c.context ? JSON.stringify(c.context) : ''} answers as over an asynchronous reader: ${c.expect}`, async () => {
      for (const reader of [synchronousReader(stored), asynchronous]) {
        const run = engine.check({ typesystem, reader, tuple: c, context: c.context });
        if (typeof c.expect === 'string') await assert.rejects(run, { code: c.expect });
        else assert.equal((await run).allowed, c.expect);
      }
    });

  test('the resolver chain answers without a promise, and stops at the first granting branch', () => {
    const reader = synchronousReader(stored);
    const local = localChecker();
    const head = cachedCheckResolver(local);
    const context: ResolutionContext = {
      typesystem,
      reader: memoizedReader(reader),
      context: undefined,
      explain: false,
      cacheScope: 's@1',
      dispatch: (request: CheckRequest) => head.resolveCheck(request, context),
    };
    const answer = context.dispatch({ object: 'document:1', relation: 'viewer', user: 'user:ed', depth: 0, visited: new Set() });
    assert.deepEqual(answer, { allowed: true, cycle: undefined });
    // The editor branch granted: the parent chain was never read.
    assert.deepEqual(reader.reads, ['document:1#viewer,owner,editor,parent', 'group:editors#member']);
  });

  test('each object is read once for every relation its rule needs', async () => {
    const reader = synchronousReader(stored);
    assert.equal(
      (await engine.check({ typesystem, reader, tuple: { object: 'document:1', relation: 'viewer', user: 'user:top' } })).allowed,
      true,
    );
    assert.deepEqual(reader.reads, [
      'document:1#viewer,owner,editor,parent',
      'group:editors#member',
      'folder:l3#viewer,parent',
      'folder:l2#viewer,parent',
      'group:outer#member',
      'group:inner#member',
      'folder:l1#viewer,parent',
    ]);
  });

  test('explanations over a synchronous reader name the path that granted', async () => {
    const { allowed, explanation } = await engine.explain({
      typesystem,
      reader: synchronousReader(stored),
      tuple: { object: 'document:1', relation: 'viewer', user: 'user:nested' },
    });
    assert.equal(allowed, true);
    assert.deepEqual(grantingTuples(explanation), [
      'document:1#parent@folder:l3',
      'folder:l3#parent@folder:l2',
      'folder:l2#viewer@group:outer#member',
      'group:outer#member@group:inner#member',
      'group:inner#member@user:nested',
    ]);
  });
});
