import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { afterWaitingBatch, atTurnEnd, inTurnBatch } from './turn-batch.ts';

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

  test('work a batch leads to runs in the same turn, before the callbacks of the next', async () => {
    const order: string[] = [];
    const nextTurn = new Promise<void>((resolve) => {
      // Queued before the batch runs: the end of the following turn's check phase.
      atTurnEnd(() => {
        setImmediate(() => {
          order.push('next turn');
          resolve();
        });
      });
    });
    const answer = inTurnBatch(async () => {
      order.push('batch');
      await Promise.resolve();
      const signature = await inTurnBatch(async () => {
        order.push('nested batch');
        return 'signed';
      });
      atTurnEnd(() => order.push('commit'));
      return signature;
    });
    assert.equal(await answer, 'signed');
    await nextTurn;
    assert.deepEqual(order, ['batch', 'nested batch', 'commit', 'next turn']);
  });

  test('outside a batch, work at the end of the turn waits for its callbacks', async () => {
    const order: string[] = [];
    const done = new Promise<void>((resolve) => atTurnEnd(() => resolve(void order.push('end of turn'))));
    await Promise.resolve();
    process.nextTick(() => order.push('tick'));
    await done;
    assert.deepEqual(order, ['tick', 'end of turn']);
  });

  test('work after the waiting batch runs once that batch has gone as far as it can', async () => {
    const order: string[] = [];
    const done = new Promise<void>((resolve) => {
      // Queued before the batch below, as a commit scheduled in an earlier turn would be.
      setImmediate(() =>
        afterWaitingBatch(() => {
          order.push('commit');
          resolve();
        }),
      );
    });
    const answer = inTurnBatch(async () => {
      order.push('batch');
      await Promise.resolve();
      order.push('batch write');
    });
    await Promise.all([answer, done]);
    assert.deepEqual(order, ['batch', 'batch write', 'commit']);
  });

  test('with no batch waiting, work after the waiting batch runs at once', () => {
    let ran = false;
    afterWaitingBatch(() => {
      ran = true;
    });
    assert.equal(ran, true);
  });
});
