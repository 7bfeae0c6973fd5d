import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startServer } from '@portcullis/server';
import {
  basicAuth,
  fixtureApis,
  fixtureClients,
  freePort,
  postForm,
  secrets,
  testApi,
  testKeyEncryptionKey,
} from '@portcullis/server/test-support';
import * as jose from 'jose';
import { stringify } from 'yaml';

const bin = resolve(import.meta.dirname, '../bin/portcullis.js');
const run = promisify(execFile);

let dir: string;
let configFile: string;
let issuer: string;
let server: Awaited<ReturnType<typeof startServer>>;

/** Runs the real `portcullis` command with the test config. */
async function portcullis(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args, '--config', configFile], { cwd: dir });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-'));
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  configFile = join(dir, 'portcullis.yaml');
  writeFileSync(
    configFile,
    stringify({
      port,
      database: 'sqlite:./state/portcullis.db',
      log: { level: 'silent' },
      keys: { encryption_key: '${TEST_KEK}', poll_interval: 1 },
      clients: fixtureClients(),
      apis: fixtureApis(),
    }),
  );
  process.env.TEST_KEK = testKeyEncryptionKey;
  const { loadConfig } = await import('@portcullis/server');
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    server = await startServer(loadConfig({ file: configFile }), { logger: false });
  } finally {
    process.chdir(cwd);
  }
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function token(): Promise<string> {
  const response = await postForm(
    `${issuer}/oauth2/token`,
    { grant_type: 'client_credentials', resource: testApi },
    { authorization: basicAuth('basic-client', secrets.basic) },
  );
  assert.equal(response.status, 200);
  return response.body.access_token;
}

describe('portcullis keys', () => {
  test('rotate --now from the CLI is picked up by the running server; older tokens still verify', async () => {
    const before = await token();
    const oldKid = jose.decodeProtectedHeader(before).kid as string;
    const rotated = await portcullis('keys', 'rotate', '--now', '--json');
    assert.equal(rotated.code, 0, rotated.stderr);
    const newKid = JSON.parse(rotated.stdout).kid;
    assert.notEqual(newKid, oldKid);
    let current: string | undefined = oldKid;
    for (let i = 0; i < 50 && current !== newKid; i++) {
      await new Promise((r) => setTimeout(r, 100));
      current = jose.decodeProtectedHeader(await token()).kid;
    }
    assert.equal(current, newKid, 'the server signs with the new key within seconds, without restart');
    const keySet = jose.createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
    await jose.jwtVerify(before, keySet, { issuer, audience: testApi });
    await jose.jwtVerify(await token(), keySet, { issuer, audience: testApi });
    const listed = await portcullis('keys', 'list', '--json');
    const states = Object.fromEntries(JSON.parse(listed.stdout).map((k: { kid: string; state: string }) => [k.kid, k.state]));
    assert.equal(states[newKid], 'active');
    assert.equal(states[oldKid], 'retired');
  });

  test('rotate without --now publishes the key but keeps signing with the current one', async () => {
    const current = jose.decodeProtectedHeader(await token()).kid;
    const rotated = JSON.parse((await portcullis('keys', 'rotate', '--json')).stdout);
    await new Promise((r) => setTimeout(r, 1500));
    const jwks = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    assert.ok(
      jwks.keys.some((k: { kid: string }) => k.kid === rotated.kid),
      'published before it signs',
    );
    assert.equal(jose.decodeProtectedHeader(await token()).kid, current);
  });
});

describe('portcullis clients and apis', () => {
  test('create, list, show, rotate-secret and delete a client with --json', async () => {
    const created = await portcullis('clients', 'create', '--id', 'cli-made', '--name', 'CLI made', '--scope', 'orders:read', '--json');
    assert.equal(created.code, 0, created.stderr);
    const { client, client_secret } = JSON.parse(created.stdout);
    assert.equal(client.client_id, 'cli-made');
    assert.ok(client_secret.length >= 43);
    assert.ok(!('client_secret_hash' in client));
    await new Promise((r) => setTimeout(r, 1100));
    const issued = await postForm(
      `${issuer}/oauth2/token`,
      { grant_type: 'client_credentials', resource: testApi },
      { authorization: basicAuth('cli-made', client_secret) },
    );
    assert.equal(issued.status, 200, 'the running server accepts the client the CLI created');
    const listed = JSON.parse((await portcullis('clients', 'list', '--json')).stdout);
    assert.ok(listed.some((c: { client_id: string }) => c.client_id === 'cli-made'));
    assert.equal(JSON.parse((await portcullis('clients', 'show', 'cli-made')).stdout).client_name, 'CLI made');
    const rotated = JSON.parse((await portcullis('clients', 'rotate-secret', 'cli-made', '--json')).stdout);
    assert.notEqual(rotated.client_secret, client_secret);
    assert.equal((await portcullis('clients', 'delete', 'cli-made')).code, 0);
    const missing = await portcullis('clients', 'show', 'cli-made');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /does not exist/);
  });

  test('the table output lists clients by column', async () => {
    const { stdout } = await portcullis('clients', 'list');
    assert.match(stdout.split('\n')[0] ?? '', /^CLIENT_ID\s+CLIENT_NAME/);
    assert.match(stdout, /basic-client/);
  });

  test('apis create, list and delete', async () => {
    const created = await portcullis(
      'apis',
      'create',
      '--identifier',
      'https://cli.example.com',
      '--scope',
      'x:read=Read X',
      '--format',
      'opaque',
      '--json',
    );
    assert.equal(created.code, 0, created.stderr);
    assert.deepEqual(JSON.parse(created.stdout).scopes, { 'x:read': 'Read X' });
    const listed = JSON.parse((await portcullis('apis', 'list', '--json')).stdout);
    assert.ok(listed.some((a: { identifier: string }) => a.identifier === 'https://cli.example.com'));
    assert.equal((await portcullis('apis', 'delete', 'https://cli.example.com')).code, 0);
  });

  test('invalid input gets a clear error and a non-zero exit', async () => {
    const bad = await portcullis('apis', 'create', '--identifier', 'not a uri');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /absolute URI/);
    const usage = await portcullis('clients', 'frobnicate');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /unknown clients command/);
  });

  test('migrate reports an up-to-date database', async () => {
    const { stdout, code } = await portcullis('migrate');
    assert.equal(code, 0);
    assert.match(stdout, /up to date/);
  });
});
