import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { jwtVerify } from 'jose';
import { signJwtBatched } from './jwt.ts';
import { signWith } from './keys/algorithms.ts';
import type { SigningKey } from './keys/key-ring.ts';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** An ES256 key that counts its signatures and refuses payloads containing `refuse`. */
function countingKey(): SigningKey & { signatures: number } {
  const key = {
    kid: 'k1',
    alg: 'ES256' as const,
    signatures: 0,
    sign(data: Buffer): Buffer {
      const payload = JSON.parse(Buffer.from(data.toString().split('.')[1] as string, 'base64url').toString()) as { refuse?: boolean };
      if (payload.refuse) throw new Error('refused');
      key.signatures++;
      return signWith('ES256', privateKey, data);
    },
  };
  return key;
}

describe('batched JWT signing', () => {
  test('signatures requested in one turn are made together once its callbacks have run, and each verifies', async () => {
    const key = countingKey();
    const pending = [1, 2, 3].map((n) => signJwtBatched(key, 'at+jwt', { sub: `user-${n}` }));
    await Promise.resolve();
    assert.equal(key.signatures, 0, 'nothing is signed before the turn ends');
    const tokens = await Promise.all(pending);
    assert.equal(key.signatures, 3);
    for (const [index, token] of tokens.entries()) {
      const { payload, protectedHeader } = await jwtVerify(token, publicKey, { algorithms: ['ES256'], typ: 'at+jwt' });
      assert.equal(payload.sub, `user-${index + 1}`);
      assert.equal(protectedHeader.kid, 'k1');
    }
  });

  test('a signature that fails rejects its own request only', async () => {
    const key = countingKey();
    const [good, bad, alsoGood] = await Promise.allSettled([
      signJwtBatched(key, 'at+jwt', { sub: 'a' }),
      signJwtBatched(key, 'at+jwt', { refuse: true }),
      signJwtBatched(key, 'at+jwt', { sub: 'b' }),
    ]);
    assert.equal(good.status, 'fulfilled');
    assert.equal(alsoGood.status, 'fulfilled');
    assert.equal(bad.status, 'rejected');
    assert.equal((bad as PromiseRejectedResult).reason.message, 'refused');
    // The next turn's batch starts empty: a failure left nothing queued.
    assert.equal(typeof (await signJwtBatched(key, 'at+jwt', { sub: 'c' })), 'string');
  });
});
