import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAuthzEngine } from './engine.ts';
import { FgaError } from './errors.ts';
import { MemoryTuples } from './memory-tuples.ts';
import { modelFromDsl } from './model/dsl.ts';
import { TypeSystem } from './model/typesystem.ts';
import { grantingTuples } from './test-support.ts';
import type { TupleKey } from './tuple-key.ts';

const model = (dsl: string) => new TypeSystem({ ...modelFromDsl(dsl), id: 'm1' });

const docs = model(`model
  schema 1.1
type user
type group
  relations
    define member: [user, group#member]
type folder
  relations
    define viewer: [user, group#member]
type document
  relations
    define parent: [folder]
    define blocked: [user]
    define viewer: ([user, user:*] or viewer from parent) but not blocked
    define limited: [user with in_hours]
condition in_hours(hour: int) {
  hour >= 9 && hour < 17
}`);

const tuples = (...list: TupleKey[]) => new MemoryTuples().add(...list);
const t = (object: string, relation: string, user: string): TupleKey => ({ object, relation, user });

describe('check', () => {
  const reader = tuples(
    t('document:1', 'parent', 'folder:a'),
    t('folder:a', 'viewer', 'group:eng#member'),
    t('group:eng', 'member', 'user:anne'),
    t('document:1', 'blocked', 'user:bob'),
    t('group:eng', 'member', 'user:bob'),
  );
  const engine = createAuthzEngine();
  const check = (user: string, extra: Partial<Parameters<typeof engine.check>[0]> = {}) =>
    engine.check({ typesystem: docs, reader, tuple: { object: 'document:1', relation: 'viewer', user }, ...extra });

  test('a user is granted through a tuple-to-userset and a nested group', async () => {
    assert.equal((await check('user:anne')).allowed, true);
  });

  test('exclusion removes a blocked member', async () => {
    assert.equal((await check('user:bob')).allowed, false);
  });

  test('explain names the path that granted', async () => {
    const { allowed, explanation } = await engine.explain({
      typesystem: docs,
      reader,
      tuple: { object: 'document:1', relation: 'viewer', user: 'user:anne' },
    });
    assert.equal(allowed, true);
    assert.deepEqual(grantingTuples(explanation), [
      'document:1#parent@folder:a',
      'folder:a#viewer@group:eng#member',
      'group:eng#member@user:anne',
    ]);
  });

  test('contextual tuples count as stored tuples for one request', async () => {
    assert.equal((await check('user:carl')).allowed, false);
    assert.equal((await check('user:carl', { contextualTuples: [t('group:eng', 'member', 'user:carl')] })).allowed, true);
  });

  test('a contextual tuple outside the type restrictions is refused as invalid_tuple', async () => {
    await assert.rejects(check('user:carl', { contextualTuples: [t('document:1', 'parent', 'user:carl')] }), {
      code: 'invalid_tuple',
    });
  });

  test('a relation missing from the model is a validation_error', async () => {
    await assert.rejects(
      engine.check({ typesystem: docs, reader, tuple: { object: 'document:1', relation: 'owner', user: 'user:anne' } }),
      (error: unknown) => error instanceof FgaError && error.code === 'validation_error',
    );
  });

  test('a condition is evaluated with the request context and a missing parameter is an error', async () => {
    const conditioned = tuples({ ...t('document:1', 'limited', 'user:anne'), condition: { name: 'in_hours' } });
    const limited = (context?: Record<string, unknown>) =>
      engine.check({
        typesystem: docs,
        reader: conditioned,
        tuple: { object: 'document:1', relation: 'limited', user: 'user:anne' },
        context,
      });
    assert.equal((await limited({ hour: 10 })).allowed, true);
    assert.equal((await limited({ hour: 20 })).allowed, false);
    await assert.rejects(limited(), { code: 'validation_error' });
  });
});

describe('resolution limits', () => {
  test('a cycle resolves to not allowed instead of an error', async () => {
    const cyclic = model(`model
  schema 1.1
type user
type document
  relations
    define editor: [user, document#viewer]
    define viewer: editor`);
    const engine = createAuthzEngine();
    const result = await engine.check({
      typesystem: cyclic,
      reader: tuples(t('document:1', 'editor', 'document:1#viewer')),
      tuple: { object: 'document:1', relation: 'viewer', user: 'user:jon' },
    });
    assert.equal(result.allowed, false);
  });

  test('resolution deeper than 25 fails with authorization_model_resolution_too_complex', async () => {
    const chain = model(`model
  schema 1.1
type user
type group
  relations
    define member: [user, group#member]`);
    const list = Array.from({ length: 30 }, (_, i) => t(`group:g${i}`, 'member', `group:g${i + 1}#member`));
    list.push(t('group:g30', 'member', 'user:deep'));
    await assert.rejects(
      createAuthzEngine().check({
        typesystem: chain,
        reader: tuples(...list),
        tuple: { object: 'group:g0', relation: 'member', user: 'user:deep' },
      }),
      { code: 'authorization_model_resolution_too_complex' },
    );
  });

  test('list objects fails the same way instead of listing objects a check could not confirm', async () => {
    const chain = model(`model
  schema 1.1
type user
type group
  relations
    define member: [user, group#member]`);
    const list = Array.from({ length: 30 }, (_, i) => t(`group:g${i}`, 'member', `group:g${i + 1}#member`));
    list.push(t('group:g30', 'member', 'user:deep'));
    await assert.rejects(
      createAuthzEngine().listObjects({ typesystem: chain, reader: tuples(...list), type: 'group', relation: 'member', user: 'user:deep' }),
      { code: 'authorization_model_resolution_too_complex' },
    );
    const shallow = await createAuthzEngine().listObjects({
      typesystem: chain,
      reader: tuples(...list.slice(10)),
      type: 'group',
      relation: 'member',
      user: 'user:deep',
    });
    assert.equal(shallow.objects.length, 21);
  });
});

describe('cache', () => {
  test('repeated checks at one revision are answered from the cache; another revision reads again', async () => {
    const reader = tuples(t('group:eng', 'member', 'user:anne'));
    let reads = 0;
    const counting = {
      readByObject: (object: string, relation: string) => {
        reads++;
        return reader.readByObject(object, relation);
      },
      readByUsers: reader.readByUsers.bind(reader),
    };
    const engine = createAuthzEngine();
    const check = (cacheKey?: string) =>
      engine.check({ typesystem: docs, reader: counting, cacheKey, tuple: { object: 'group:eng', relation: 'member', user: 'user:anne' } });
    await check('s@1');
    const afterFirst = reads;
    await check('s@1');
    assert.equal(reads, afterFirst);
    await check('s@2');
    assert.ok(reads > afterFirst);
    const beforeBypass = reads;
    await check(undefined);
    assert.ok(reads > beforeBypass, 'no cache key (HIGHER_CONSISTENCY) reads the store');
  });
});

describe('list objects and list users', () => {
  const reader = tuples(
    ...Array.from({ length: 5 }, (_, i) => t(`document:${i}`, 'viewer', 'user:anne')),
    t('document:9', 'viewer', 'user:*'),
    t('document:1', 'blocked', 'user:anne'),
  );
  const engine = createAuthzEngine();

  test('list objects returns every granted object', async () => {
    const page = await engine.listObjects({ typesystem: docs, reader, type: 'document', relation: 'viewer', user: 'user:anne' });
    assert.deepEqual(page.objects, ['document:0', 'document:2', 'document:3', 'document:4', 'document:9']);
    assert.equal(page.continuation_token, undefined);
  });

  test('a full page ends with a continuation token instead of truncating silently', async () => {
    const first = await engine.listObjects({
      typesystem: docs,
      reader,
      type: 'document',
      relation: 'viewer',
      user: 'user:anne',
      maxResults: 2,
    });
    assert.deepEqual(first.objects, ['document:0', 'document:2']);
    assert.ok(first.continuation_token);
    const rest = await engine.listObjects({
      typesystem: docs,
      reader,
      type: 'document',
      relation: 'viewer',
      user: 'user:anne',
      continuationToken: first.continuation_token,
    });
    assert.deepEqual(rest.objects, ['document:3', 'document:4', 'document:9']);
  });

  test('list objects walks back from the user instead of checking every object of the type', async () => {
    const shared = model(`model
  schema 1.1
type user
type group
  relations
    define member: [user, group#member]
type folder
  relations
    define viewer: [user, group#member]
type document
  relations
    define parent: [folder]
    define viewer: [user] or viewer from parent`);
    const many = tuples(
      ...Array.from({ length: 500 }, (_, i) => t(`document:other${i}`, 'viewer', `user:u${i}`)),
      t('group:eng', 'member', 'user:anne'),
      t('group:all', 'member', 'group:eng#member'),
      t('folder:plans', 'viewer', 'group:all#member'),
      t('document:roadmap', 'parent', 'folder:plans'),
      t('document:notes', 'viewer', 'user:anne'),
    );
    const reads = { byObject: 0, byUser: 0 };
    const counting = {
      readByObject: (object: string, relation: string) => {
        reads.byObject++;
        return many.readByObject(object, relation);
      },
      readByUsers: (users: readonly string[], type: string, relation: string) => {
        reads.byUser++;
        return many.readByUsers(users, type, relation);
      },
    };
    const page = await engine.listObjects({
      typesystem: shared,
      reader: counting,
      type: 'document',
      relation: 'viewer',
      user: 'user:anne',
    });
    assert.deepEqual(page.objects, ['document:notes', 'document:roadmap']);
    assert.equal(reads.byObject, 0, 'no object needed a confirming check');
    assert.ok(reads.byUser < 20, `${reads.byUser} reads by user`);
  });

  test('objects reached through an exclusion or intersection are confirmed by a check', async () => {
    const page = await engine.listObjects({
      typesystem: docs,
      reader: tuples(
        t('document:1', 'viewer', 'user:anne'),
        t('document:1', 'blocked', 'user:anne'),
        t('document:2', 'viewer', 'user:anne'),
      ),
      type: 'document',
      relation: 'viewer',
      user: 'user:anne',
    });
    assert.deepEqual(page.objects, ['document:2']);
  });

  test('a userset is listed as a member of its own relation', async () => {
    const page = await engine.listObjects({
      typesystem: docs,
      reader: tuples(),
      type: 'group',
      relation: 'member',
      user: 'group:eng#member',
    });
    assert.deepEqual(page.objects, ['group:eng']);
  });

  test('streamed list objects sends every object once, however many paths reach it', async () => {
    const seen: string[] = [];
    await engine.streamObjects(
      {
        typesystem: docs,
        reader: tuples(
          t('document:1', 'viewer', 'user:anne'),
          t('document:1', 'parent', 'folder:a'),
          t('folder:a', 'viewer', 'user:anne'),
          t('document:2', 'viewer', 'user:*'),
        ),
        type: 'document',
        relation: 'viewer',
        user: 'user:anne',
      },
      (object) => seen.push(object),
    );
    assert.deepEqual(seen.sort(), ['document:1', 'document:2']);
  });

  test('list users returns direct users and wildcards, without excluded users', async () => {
    const result = await engine.listUsers({
      typesystem: docs,
      reader: tuples(t('document:1', 'viewer', 'user:anne'), t('document:1', 'viewer', 'user:*'), t('document:1', 'blocked', 'user:bob')),
      object: { type: 'document', id: '1' },
      relation: 'viewer',
      filters: [{ type: 'user' }],
    });
    assert.deepEqual(result, { users: ['user:*', 'user:anne'], complete: true });
  });
});
