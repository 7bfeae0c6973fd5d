import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inTurnBatch } from './turn-batch.ts';

describe('turn batches', () => {
  test('calls made in one turn run together after its callbacks, in order, each answered with its own result', async () => {
    const ran: number[] = [];
    const answers = [1, 2, 3].map((n) =>
      inTurnBatch(async () => {
        ran.push(n);
        return n * 10;
      }),
    );
    await Promise.resolve();
    assert.deepEqual(ran, [], 'nothing runs before the turn ends');
    assert.deepEqual(await Promise.all(answers), [10, 20, 30]);
    assert.deepEqual(ran, [1, 2, 3]);
  });

  test('a call that fails, even synchronously, rejects only its own answer', async () => {
    const outcomes = await Promise.allSettled([
      inTurnBatch(async () => 'first'),
      inTurnBatch((() => {
        throw new Error('thrown');
      }) as () => Promise<string>),
      inTurnBatch(async () => {
        throw new Error('rejected');
      }),
      inTurnBatch(async () => 'last'),
    ]);
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message)),
      ['first', 'thrown', 'rejected', 'last'],
    );
    assert.equal(await inTurnBatch(async () => 'next turn'), 'next turn');
  });
});
