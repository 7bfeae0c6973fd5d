import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '@portcullis/store';
import { createSqliteDatabase, type TestDatabase } from '@portcullis/store/test-databases';
import Fastify, { type FastifyInstance } from 'fastify';
import { fgaRoutes } from '../http/routes.ts';
import { httpClient } from './http-client.ts';
import { conformanceDir } from './paths.ts';
import { loadSuite, runSuite, summarize } from './suite.ts';

describe('OpenFGA conformance suites through the HTTP API on SQLite', () => {
  let database: TestDatabase;
  let store: Store;
  let app: FastifyInstance;

  before(async () => {
    database = createSqliteDatabase();
    store = openStore(database.url);
    await store.migrate();
    app = Fastify();
    await app.register(fgaRoutes, { prefix: '/fga', store, authorize: async () => {} });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await store.close();
    await database.drop();
  });

  for (const file of ['consolidated_1_1_tests', 'abac_tests']) {
    test(`every assertion of ${file}.yaml passes (check, list-objects, streamed list-objects, list-users)`, async () => {
      const outcomes = await runSuite(httpClient(app, '/fga'), loadSuite(join(conformanceDir, `${file}.yaml`)), file);
      const counts = summarize(outcomes);
      console.log(`${file}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
      const failures = outcomes.filter((o) => o.status === 'failed').map((o) => `${o.test} | ${o.assertion} | ${o.detail}`);
      assert.deepEqual(failures, []);
      assert.ok(counts.passed > 0);
    });
  }
});
