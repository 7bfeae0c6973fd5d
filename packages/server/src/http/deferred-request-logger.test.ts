import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { deferredChildLogger } from './deferred-request-logger.ts';

function capturedPino(): { logger: FastifyBaseLogger; lines: () => Record<string, unknown>[]; children: () => number } {
  let output = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      output += chunk.toString();
      done();
    },
  });
  // Fastify's own pino instance: what the server's requests log through.
  const logger = Fastify({ logger: { level: 'info', stream } }).log;
  let children = 0;
  // Counts the children asked of it; each is the real logger's own child.
  const parent: FastifyBaseLogger = Object.create(logger);
  parent.child = (bindings, options) => {
    children++;
    return logger.child(bindings, options);
  };
  return {
    logger: parent,
    lines: () =>
      output
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    children: () => children,
  };
}

describe('deferred request logger', () => {
  test('a request that logs nothing builds no child logger', () => {
    const { logger, children } = capturedPino();
    deferredChildLogger(logger, { reqId: 'req-1' }, {});
    assert.equal(children(), 0);
  });

  test('the first log line builds the child once, and every line carries the request id', async () => {
    const { logger, lines, children } = capturedPino();
    const requestLogger = deferredChildLogger(logger, { reqId: 'req-7' }, {});
    requestLogger.info({ route: '/oauth2/token' }, 'first');
    requestLogger.error('second');
    requestLogger.debug('below the level: not written');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(children(), 1);
    const written = lines();
    assert.deepEqual(
      written.map((line) => [line.reqId, line.msg]),
      [
        ['req-7', 'first'],
        ['req-7', 'second'],
      ],
    );
    assert.equal(written[0]?.route, '/oauth2/token');
  });

  test('its level and its own children are those of the real child logger', async () => {
    const { logger, lines } = capturedPino();
    const requestLogger = deferredChildLogger(logger, { reqId: 'req-9' }, { level: 'warn' });
    assert.equal(requestLogger.level, 'warn');
    requestLogger.level = 'error';
    requestLogger.warn('filtered');
    requestLogger.child({ part: 'db' }).error('kept');
    await new Promise((resolve) => setImmediate(resolve));
    const written = lines();
    assert.equal(written.length, 1);
    assert.equal(written[0]?.reqId, 'req-9');
    assert.equal(written[0]?.part, 'db');
  });
});
