import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { fixtureClients, startTestServer, type TestServer } from '@portcullis/server/test-support';
import { stringify } from 'yaml';
import { checkpointPath } from './fga/import.ts';

const bin = resolve(import.meta.dirname, '../../bin/portcullis.js');
const execFileAsync = promisify(execFile);
const apiKey = 'fga-cli-test-key-0123456789abcdef';
const secret = 'fga-cli-secret-0123456789abcdef';

const model = `model
  schema 1.1
type user
type group
  relations
    define member: [user]
type folder
  relations
    define viewer: [user, group#member]
type document
  relations
    define parent: [folder]
    define viewer: [user] or viewer from parent
`;

let server: TestServer;
let dir: string;

before(async () => {
  server = await startTestServer({
    clients: [
      ...fixtureClients(),
      {
        client_id: 'fga-writer',
        client_secret: secret,
        grant_types: ['client_credentials'],
        scope: 'fga:read fga:write',
      },
      {
        client_id: 'fga-reader',
        client_secret: secret,
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_post',
        scope: 'fga:read',
      },
    ],
    overrides: { 'fga.preshared_keys': `other-key-0123456789,${apiKey}` },
  });
  dir = mkdtempSync(join(tmpdir(), 'portcullis-fga-cli-'));
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the real `portcullis fga …` with the API URL and key in the environment, as a user would set them. */
async function fga(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [bin, 'fga', ...args], {
      cwd: dir,
      env: { ...process.env, PORTCULLIS_FGA_API_URL: `${server.issuer}/fga`, PORTCULLIS_FGA_API_KEY: apiKey, ...env },
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

async function newStore(name: string): Promise<{ storeId: string; env: Record<string, string> }> {
  const created = await fga(['store', 'create', name, '--json']);
  assert.equal(created.code, 0, created.stderr);
  const storeId = JSON.parse(created.stdout).id as string;
  writeFileSync(join(dir, 'model.fga'), model);
  const written = await fga(['model', 'write', join(dir, 'model.fga'), '--store-id', storeId]);
  assert.equal(written.code, 0, written.stderr);
  assert.match(written.stdout, /^authorization_model_id: [0-9A-Z]{26}\n$/);
  return { storeId, env: { PORTCULLIS_FGA_STORE_ID: storeId } };
}

/** `count` tuples: document:d<i> viewed by user:u<i>. */
function csvFile(name: string, count: number, bad?: number): string {
  const rows = ['user_type,user_id,user_relation,relation,object_type,object_id'];
  for (let i = 0; i < count; i++) rows.push(`user,u${i},,${i === bad ? 'owner' : 'viewer'},document,d${i}`);
  const path = join(dir, name);
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

describe('portcullis fga against a running server', () => {
  test('store, model, tuples, check, list-objects and explain work with a pre-shared key', async () => {
    const { env } = await newStore('cli documents');
    const tuples = join(dir, 'tuples.yaml');
    writeFileSync(
      tuples,
      stringify([
        { user: 'user:anne', relation: 'member', object: 'group:eng' },
        { user: 'group:eng#member', relation: 'viewer', object: 'folder:plans' },
        { user: 'folder:plans', relation: 'parent', object: 'document:roadmap' },
        { user: 'user:bob', relation: 'viewer', object: 'document:budget' },
      ]),
    );
    const written = await fga(['tuples', 'write', tuples], env);
    assert.equal(written.code, 0, written.stderr);
    assert.equal(written.stdout, '4 tuples written\n');

    assert.equal((await fga(['check', 'user:anne', 'viewer', 'document:roadmap'], env)).stdout, 'allowed\n');
    assert.equal((await fga(['check', 'user:bob', 'viewer', 'document:roadmap'], env)).stdout, 'not allowed\n');
    assert.deepEqual(JSON.parse((await fga(['check', 'user:anne', 'viewer', 'document:roadmap', '--json'], env)).stdout), {
      allowed: true,
    });

    const listed = await fga(['list-objects', 'user:anne', 'viewer', 'document'], env);
    assert.equal(listed.stdout, 'document:roadmap\n');
    assert.deepEqual(JSON.parse((await fga(['list-objects', 'user:bob', 'viewer', 'document', '--json'], env)).stdout), {
      objects: ['document:budget'],
    });

    const explained = await fga(['explain', 'user:anne', 'viewer', 'document:roadmap'], env);
    assert.equal(explained.code, 0, explained.stderr);
    assert.match(explained.stdout, /^allowed: user:anne viewer document:roadmap\n/);
    assert.match(explained.stdout, /via document:roadmap#parent@folder:plans/);
    assert.match(explained.stdout, /via group:eng#member@user:anne/);

    const deleted = await fga(['tuples', 'delete', tuples], env);
    assert.equal(deleted.stdout, '4 tuples deleted\n');
    assert.equal((await fga(['check', 'user:anne', 'viewer', 'document:roadmap'], env)).stdout, 'not allowed\n');
  });

  test('client credentials are exchanged for a token for <issuer>/fga found through discovery', async () => {
    const writer = { PORTCULLIS_FGA_API_KEY: '', PORTCULLIS_FGA_CLIENT_ID: 'fga-writer', PORTCULLIS_FGA_CLIENT_SECRET: secret };
    const created = await fga(['store', 'create', 'by token', '--json'], writer);
    assert.equal(created.code, 0, created.stderr);
    const storeId = JSON.parse(created.stdout).id;
    const reader = ['--api-key', '', '--client-id', 'fga-reader', '--client-secret', secret, '--client-auth-method', 'client_secret_post'];
    const listed = await fga(['store', 'list', '--json', ...reader]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(JSON.parse(listed.stdout).some((s: { id: string }) => s.id === storeId));
    const refused = await fga(['store', 'create', 'not allowed', ...reader]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /forbidden/);
  });

  test('a wrong key or a missing store id is a clear error', async () => {
    const wrong = await fga(['store', 'list'], { PORTCULLIS_FGA_API_KEY: 'not-the-key' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /unauthenticated/);
    const missing = await fga(['check', 'user:anne', 'viewer', 'document:x']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--store-id/);
  });

  test('a model with DSL errors is refused with file positions, and a JSON model is accepted', async () => {
    const { env } = await newStore('cli models');
    const broken = join(dir, 'broken.fga');
    writeFileSync(broken, 'model\n  schema 1.1\ntype user\ntype document\n  relations\n    define viewer: [user, team]\n');
    const refused = await fga(['model', 'write', broken], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /broken\.fga:6:\d+: .*team/);
    const json = join(dir, 'model.json');
    writeFileSync(json, JSON.stringify({ schema_version: '1.1', type_definitions: [{ type: 'user' }] }));
    assert.equal((await fga(['model', 'write', json, '--json'], env)).code, 0);
  });

  test('a modular model is written from its fga.mod and read back as DSL', async () => {
    const { env } = await newStore('cli modules');
    writeFileSync(join(dir, 'core.fga'), 'module core\n\ntype user\n\ntype team\n  relations\n    define member: [user]\n');
    writeFileSync(join(dir, 'docs.fga'), 'module docs\n\ntype document\n  relations\n    define viewer: [user, team#member]\n');
    writeFileSync(join(dir, 'fga.mod'), "schema: '1.2'\ncontents:\n  - core.fga\n  - docs.fga\n");
    const written = await fga(['model', 'write', join(dir, 'fga.mod')], env);
    assert.equal(written.code, 0, written.stderr);
    const shown = await fga(['model', 'get'], env);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /define viewer: \[user, team#member\]/);
    writeFileSync(join(dir, 'fga.mod'), "schema: '1.1'\ncontents:\n  - core.fga\n");
    const refused = await fga(['model', 'write', join(dir, 'fga.mod')], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /fga\.mod:1:9: unsupported schema version/);
  });
});

describe('portcullis fga tuples import', () => {
  test('an import stopped by a refused batch keeps its checkpoint and continues after it once the file is fixed', async () => {
    const { env } = await newStore('cli import fix');
    const file = csvFile('fix.csv', 250, 180);
    const first = await fga(['tuples', 'import', file, '--batch-size', '50', '--concurrency', '1'], env);
    assert.equal(first.code, 1);
    assert.match(first.stderr, /in tuples 151-200/);
    assert.match(first.stderr, /150 tuples are committed/);
    assert.equal(JSON.parse(readFileSync(checkpointPath(file), 'utf8')).committed, 150);
    assert.equal((await fga(['check', 'user:u149', 'viewer', 'document:d149'], env)).stdout, 'allowed\n');
    assert.equal((await fga(['check', 'user:u200', 'viewer', 'document:d200'], env)).stdout, 'not allowed\n');

    csvFile('fix.csv', 250);
    const second = await fga(['tuples', 'import', file, '--batch-size', '50', '--json'], env);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /resuming after 150 tuples/);
    assert.deepEqual(JSON.parse(second.stdout), { imported: 100, resumed_after: 150, total: 250 });
    assert.equal(existsSync(checkpointPath(file)), false);
    assert.equal((await fga(['check', 'user:u249', 'viewer', 'document:d249'], env)).stdout, 'allowed\n');
  });

  test('an import killed part-way is resumed by running it again; tuples it wrote after its last checkpoint are not errors', async () => {
    const { env } = await newStore('cli import kill');
    const file = csvFile('kill.csv', 6000);
    const args = [bin, 'fga', 'tuples', 'import', file, '--batch-size', '10', '--concurrency', '2'];
    const child = spawn(process.execPath, args, {
      cwd: dir,
      env: { ...process.env, PORTCULLIS_FGA_API_URL: `${server.issuer}/fga`, PORTCULLIS_FGA_API_KEY: apiKey, ...env },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let exitCode: number | null | undefined;
    void exited.then((code) => {
      exitCode = code;
    });
    // Killed as soon as a checkpoint shows committed batches, with more batches in flight.
    while (!existsSync(checkpointPath(file)) && exitCode === undefined) await new Promise((r) => setTimeout(r, 10));
    assert.equal(exitCode, undefined, 'the import finished before it could be interrupted');
    child.kill('SIGKILL');
    await exited;
    const committed = JSON.parse(readFileSync(checkpointPath(file), 'utf8')).committed as number;
    assert.ok(committed > 0 && committed < 6000);

    const resumed = await fga(['tuples', 'import', file, '--batch-size', '10', '--json'], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = JSON.parse(resumed.stdout);
    assert.ok(summary.resumed_after >= committed);
    assert.equal(summary.imported + summary.resumed_after, 6000);
    assert.equal(existsSync(checkpointPath(file)), false);
    for (const i of [0, committed, 5999])
      assert.equal((await fga(['check', `user:u${i}`, 'viewer', `document:d${i}`], env)).stdout, 'allowed\n');
  });

  test('a checkpoint that does not match the file is refused unless --restart is given', async () => {
    const { env } = await newStore('cli import mismatch');
    const file = csvFile('mismatch.csv', 20);
    writeFileSync(
      checkpointPath(file),
      JSON.stringify({
        store_id: env.PORTCULLIS_FGA_STORE_ID,
        batch_size: 10,
        total: 20,
        committed: 10,
        last_tuple: 'document:x#viewer@user:y',
      }),
    );
    const refused = await fga(['tuples', 'import', file, '--batch-size', '10'], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /changed before the checkpoint.*--restart/);
    const restarted = await fga(['tuples', 'import', file, '--batch-size', '10', '--restart'], env);
    assert.equal(restarted.code, 0, restarted.stderr);
    assert.equal(restarted.stdout, 'imported 20 tuples, 20 in the file\n');
  });
});
