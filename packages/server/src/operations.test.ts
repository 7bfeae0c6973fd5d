import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { createSqliteDatabase } from '@portcullis/store/test-databases';
import { loggerOptions } from './app.ts';
import { startServer } from './server.ts';
import { basicAuth, freePort, postForm, secrets, startTestServer, testApi, testConfig, testOpaqueApi } from './test-support.ts';

describe('health, readiness and metrics', () => {
  test('healthz and readyz answer; metrics count requests per route and tokens per grant', async () => {
    const server = await startTestServer();
    try {
      assert.deepEqual(await (await fetch(`${server.issuer}/healthz`)).json(), { status: 'ok' });
      const ready = await fetch(`${server.issuer}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(((await ready.json()) as { checks: object }).checks, { database: 'ok', signing_key: 'ok' });
      const auth = { authorization: basicAuth('basic-client', secrets.basic) };
      await postForm(`${server.issuer}/oauth2/token`, { grant_type: 'client_credentials', resource: testApi }, auth);
      await postForm(`${server.issuer}/oauth2/token`, { grant_type: 'client_credentials', resource: testOpaqueApi }, auth);
      await postForm(`${server.issuer}/oauth2/token`, { grant_type: 'client_credentials', resource: 'https://nope.example.com' }, auth);
      assert.equal((await fetch(`${server.issuer}/no/such/path`)).status, 404);
      const metrics = await (await fetch(`${server.issuer}/metrics`)).text();
      assert.match(metrics, /portcullis_tokens_issued_total\{grant_type="client_credentials",format="jwt"\} 1/);
      assert.match(metrics, /portcullis_tokens_issued_total\{grant_type="client_credentials",format="opaque"\} 1/);
      assert.match(metrics, /portcullis_http_requests_total\{method="POST",route="\/oauth2\/token",status="200"\} 2/);
      assert.match(metrics, /portcullis_http_requests_total\{method="POST",route="\/oauth2\/token",status="400"\} 1/);
      assert.match(metrics, /portcullis_http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/oauth2\/token"\}/);
      assert.match(metrics, /portcullis_http_request_duration_seconds_count\{method="POST",route="\/oauth2\/token"\} 3/);
      assert.match(metrics, /portcullis_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    } finally {
      await server.close();
    }
  });

  test('readyz reports 503 when the database is gone', async () => {
    const server = await startTestServer();
    try {
      await server.runtime.store.close();
      const ready = await fetch(`${server.issuer}/readyz`);
      assert.equal(ready.status, 503);
      assert.equal(((await ready.json()) as { checks: { database: string } }).checks.database, 'failing');
    } finally {
      await server.app.close();
      await server.database.drop();
    }
  });
});

describe('logs', () => {
  test('structured logs never contain tokens, secrets or assertions, even with request logging on', async () => {
    let output = '';
    const stream = new Writable({
      write(chunk, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    const database = createSqliteDatabase();
    const config = testConfig(await freePort(), database.url, { overrides: { 'log.requests': true, 'log.level': 'trace' } });
    const server = await startServer(config, { logger: { ...(loggerOptions('trace') as object), stream } });
    try {
      const auth = { authorization: basicAuth('basic-client', secrets.basic) };
      const issued = await postForm(`${config.issuer}/oauth2/token`, { grant_type: 'client_credentials', resource: testOpaqueApi }, auth);
      const token = issued.body.access_token as string;
      await postForm(`${config.issuer}/oauth2/introspect`, { token }, { authorization: basicAuth('gateway', secrets.gateway) });
      await postForm(`${config.issuer}/oauth2/token`, {
        grant_type: 'client_credentials',
        client_id: 'post-client',
        client_secret: 'wrong-but-secret-123456',
      });
      await fetch(`${config.issuer}/admin/v1/clients?access_token=${token}`, { headers: { authorization: `Bearer ${token}` } });
      await new Promise((r) => setTimeout(r, 50));
      assert.match(output, /"path":"\/oauth2\/token"/, 'requests are logged');
      assert.match(output, /"reqId":"req-[0-9a-z]+"[^\n]*"path":"\/oauth2\/introspect"/, 'request lines carry their request id');
      for (const secret of [
        token,
        secrets.basic,
        secrets.gateway,
        'wrong-but-secret-123456',
        Buffer.from(`basic-client:${secrets.basic}`).toString('base64'),
      ]) {
        assert.ok(!output.includes(secret), 'a credential reached the log');
      }
    } finally {
      await server.stop();
      await database.drop();
    }
  });
});

describe('graceful shutdown', () => {
  test('an in-flight request completes after shutdown starts, and new connections are refused', async () => {
    const server = await startTestServer();
    const url = new URL(`${server.issuer}/oauth2/token`);
    const body = new URLSearchParams({ grant_type: 'client_credentials', resource: testApi }).toString();
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
            authorization: basicAuth('basic-client', secrets.basic),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 300);
    });
    await new Promise((r) => setTimeout(r, 100));
    const stopping = server.stop();
    await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(fetch(`${server.issuer}/healthz`), 'new connections are refused while stopping');
    const finished = await response;
    assert.equal(finished.status, 200);
    assert.ok(JSON.parse(finished.body).access_token);
    await stopping;
    await server.database.drop();
  });
});
