import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '@portcullis/store';
import { createSqliteDatabase, type TestDatabase } from '@portcullis/store/test-databases';
import { signJwt } from '../jwt.ts';
import { KeyEncryption } from './key-encryption.ts';
import { KeyRing } from './key-ring.ts';

let database: TestDatabase;
let store: Store;
const encryption = new KeyEncryption('unit-test-key-encryption-key');
let now = 1_000_000;
const clock = () => now;

function ring(options: Partial<ConstructorParameters<typeof KeyRing>[0]> = {}) {
  return new KeyRing({
    store: store.signingKeys,
    encryption,
    clock,
    algorithm: 'ES256',
    propagationDelay: 600,
    maxTokenLifetime: async () => 3600,
    ...options,
  });
}

before(async () => {
  database = createSqliteDatabase();
  store = openStore(database.url);
  await store.migrate();
});
after(async () => {
  await store.close();
  await database.drop();
});

describe('signing key rotation with overlap', () => {
  test('the first start creates one active key and publishes it', async () => {
    const keys = ring();
    await keys.init();
    assert.equal(keys.jwks().keys.length, 1);
    assert.equal(keys.describe()[0]?.state, 'active');
    const jwk = keys.jwks().keys[0];
    assert.equal(jwk?.alg, 'ES256');
    assert.equal(jwk?.use, 'sig');
    assert.ok(!('d' in (jwk ?? {})), 'the JWKS must not contain private members');
  });

  test('a rotated key is published at once but signs only after the propagation delay', async () => {
    const keys = ring();
    await keys.init();
    const before = keys.signingKey().kid;
    const rotated = await keys.rotate();
    assert.notEqual(rotated.kid, before);
    assert.equal(keys.signingKey().kid, before, 'the old key still signs during propagation');
    assert.ok(
      keys.jwks().keys.some((k) => k.kid === rotated.kid),
      'the new key is already published',
    );
    assert.equal(keys.describe().find((k) => k.kid === rotated.kid)?.state, 'pending');
    now += 600;
    assert.equal(keys.signingKey().kid, rotated.kid, 'after the delay the new key signs');
    assert.ok(
      keys.jwks().keys.some((k) => k.kid === before),
      'the retired key stays published',
    );
    now += 3599;
    assert.ok(
      keys.jwks().keys.some((k) => k.kid === before),
      'until every token it signed has expired',
    );
    now += 1;
    assert.ok(!keys.jwks().keys.some((k) => k.kid === before), 'then it leaves the JWKS');
  });

  test('an immediate rotation switches signing at once', async () => {
    const keys = ring();
    await keys.init();
    const rotated = await keys.rotate({ immediate: true });
    assert.equal(keys.signingKey().kid, rotated.kid);
  });

  test('another process sees a rotation after refresh', async () => {
    const server = ring();
    await server.init();
    const cli = ring();
    await cli.refresh();
    const rotated = await cli.rotate({ immediate: true });
    assert.notEqual(server.signingKey().kid, rotated.kid);
    await server.refresh();
    assert.equal(server.signingKey().kid, rotated.kid);
  });

  test('private keys are stored encrypted and a wrong key-encryption key is refused', async () => {
    const record = (await store.signingKeys.list())[0];
    assert.ok(record?.private_key.startsWith('v1.'));
    assert.ok(!record?.private_key.includes('BEGIN'));
    const wrong = ring({ encryption: new KeyEncryption('a-different-key-encryption-key') });
    await assert.rejects(wrong.refresh(), /cannot be decrypted/);
  });

  for (const algorithm of ['RS256', 'PS256', 'EdDSA'] as const) {
    test(`${algorithm} keys sign JWTs`, async () => {
      const keys = ring({ algorithm });
      await keys.refresh();
      await keys.rotate({ immediate: true });
      const key = keys.signingKey();
      assert.equal(key.alg, algorithm);
      const jwt = signJwt(key, 'at+jwt', { sub: 'x' });
      const { createLocalJWKSet, jwtVerify } = await import('jose');
      const { protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(keys.jwks() as never), { algorithms: [algorithm] });
      assert.equal(protectedHeader.kid, key.kid);
    });
  }
});
