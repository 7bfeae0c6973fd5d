import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { httpClient } from '@portcullis/authz/conformance/http-client';
import { conformanceDir } from '@portcullis/authz/conformance/paths';
import { loadSuite, runSuite, summarize } from '@portcullis/authz/conformance/suite';
import { startTestServer, type TestServer } from './test-support.ts';

const key = 'conformance-key-0123456789abcdef';

// The permissions package runs the suites against its plugin on SQLite; here every assertion goes
// through the whole server (its hooks, the /fga authorizer with a pre-shared key) on PostgreSQL.
describe('OpenFGA conformance suites through the server on PostgreSQL', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ database: 'postgres', overrides: { 'fga.preshared_keys': key } });
  });
  after(() => server.close());

  for (const file of ['consolidated_1_1_tests', 'abac_tests']) {
    test(`every assertion of ${file}.yaml passes through the HTTP API with a pre-shared key`, async () => {
      const client = httpClient(server.app, '/fga', { authorization: `Bearer ${key}` });
      const outcomes = await runSuite(client, loadSuite(join(conformanceDir, `${file}.yaml`)), file);
      const counts = summarize(outcomes);
      console.log(`${file} (server, PostgreSQL): ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
      const failures = outcomes.filter((o) => o.status === 'failed').map((o) => `${o.test} | ${o.assertion} | ${o.detail}`);
      assert.deepEqual(failures, []);
      assert.ok(counts.passed > 0);
    });
  }

  test('the suites ran against stores held in memory (fga.memory_tuples, on by default)', async () => {
    const metrics = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    const ready = Number(/^portcullis_fga_memory_stores\{state="ready"\} (\d+)$/m.exec(metrics)?.[1]);
    // One store per test of the suites, each loaded on its first check.
    assert.ok(ready >= 100, `stores in memory: ${ready}`);
  });

  test('the suites cannot be run without credentials', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/fga/stores' });
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().code, 'unauthenticated');
  });
});
