import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '@portcullis/store';
import { createSqliteDatabase, type TestDatabase } from '@portcullis/store/test-databases';
import { checkPassword } from './authenticate-user.ts';
import { PasswordHasher } from './password-hasher.ts';

let database: TestDatabase;
let store: Store;
const weak = new PasswordHasher({ memoryCost: 8192, timeCost: 1, parallelism: 1 });
const current = new PasswordHasher();

before(async () => {
  database = createSqliteDatabase();
  store = openStore(database.url);
  await store.migrate();
  const now = 1;
  await store.people.users.upsert({
    user_id: 'u1',
    username: 'anne',
    email: null,
    name: null,
    password_hash: await weak.hash('a good password'),
    roles: [],
    groups: [],
    disabled: false,
    email_verified: false,
    created_at: now,
    updated_at: now,
  });
});
after(async () => {
  await store.close();
  await database.drop();
});

describe('passwords (argon2id)', () => {
  test('hashes are argon2id with the OWASP parameters by default', async () => {
    const hash = await current.hash('secret password');
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await current.verify(hash, 'secret password'), true);
    assert.equal(await current.verify(hash, 'Secret password'), false);
    assert.equal(current.needsRehash(hash), false);
  });

  test('a correct password stored with older parameters is re-hashed at sign-in', async () => {
    const before = (await store.people.users.get('u1'))?.password_hash as string;
    assert.equal(current.needsRehash(before), true);
    const result = await checkPassword(store.people.users, current, 'anne', 'a good password', 5);
    assert.equal(result.ok, true);
    const after = (await store.people.users.get('u1'))?.password_hash as string;
    assert.match(after, /m=19456,t=2,p=1/);
    assert.equal(await current.verify(after, 'a good password'), true);
  });

  test('wrong passwords, unknown and disabled accounts all answer the same', async () => {
    assert.deepEqual(await checkPassword(store.people.users, current, 'anne', 'wrong', 6), { ok: false });
    assert.deepEqual(await checkPassword(store.people.users, current, 'nobody', 'wrong', 6), { ok: false });
    const user = await store.people.users.get('u1');
    await store.people.users.upsert({ ...(user as NonNullable<typeof user>), disabled: true });
    assert.deepEqual(await checkPassword(store.people.users, current, 'anne', 'a good password', 7), { ok: false });
  });

  test('a malformed stored hash never verifies', async () => {
    assert.equal(await current.verify('not-a-hash', 'x'), false);
  });
});
