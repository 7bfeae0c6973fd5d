import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from './load.ts';
import { configReference } from './reference.ts';

function file(content: string, name = 'config.yaml'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'portcullis-config-')), name);
  writeFileSync(path, content);
  return path;
}

describe('configuration loading', () => {
  test('defaults apply when nothing is configured, and the issuer follows host and port', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.port, 9000);
    assert.equal(config.database, 'sqlite:./data/portcullis.db');
    assert.equal(config.issuer, 'http://127.0.0.1:9000');
    assert.equal(config.keys.algorithm, 'ES256');
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.keys));
  });

  test('environment variables override the file; ${VAR} is expanded; flags override both', () => {
    const path = file('port: 7000\nissuer: https://auth.example.com/\nkeys:\n  encryption_key: ${MY_KEK}\n');
    const env = { MY_KEK: 'from-the-environment-123', PORTCULLIS_PORT: '7100', PORTCULLIS_KEYS_PROPAGATION_DELAY: '30' };
    const config = loadConfig({ file: path, env });
    assert.equal(config.port, 7100);
    assert.equal(config.keys.encryption_key, 'from-the-environment-123');
    assert.equal(config.keys.propagation_delay, 30);
    assert.equal(config.issuer, 'https://auth.example.com');
    assert.equal(loadConfig({ file: path, env, overrides: { port: '7200' } }).port, 7200);
  });

  test('JSON files are read too', () => {
    assert.equal(loadConfig({ file: file('{"port": 9100}', 'c.json'), env: {} }).port, 9100);
  });

  test('errors name the key path', () => {
    const cases: Array<[string, RegExp]> = [
      ['port: eighty', /^port: must be an integer/],
      ['keys:\n  algorithm: HS256', /^keys\.algorithm: must be one of ES256, RS256, PS256, EdDSA/],
      ['keys:\n  rotation: 5', /^keys\.rotation: unknown setting/],
      ['colour: blue', /^colour: unknown setting/],
      ['clients: yes', /^clients: must be a list of mappings/],
      ['issuer: not-a-url', /^issuer: must be an absolute/],
      ['database: ${NOT_SET_ANYWHERE}', /database: environment variable NOT_SET_ANYWHERE is not set/],
      ['- a list', /top level must be a mapping/],
    ];
    for (const [content, message] of cases) {
      assert.throws(
        () => loadConfig({ file: file(content), env: {} }),
        (error: Error) => error instanceof ConfigError && message.test(error.message),
        content,
      );
    }
    assert.throws(() => loadConfig({ env: { PORTCULLIS_PORT: 'x' } }), /port \(PORTCULLIS_PORT\): must be an integer/);
  });

  test('a missing file is a clear error', () => {
    assert.throws(() => loadConfig({ file: '/nonexistent/portcullis.yaml', env: {} }), /cannot read config file/);
  });
});

describe('configuration reference', () => {
  test('docs/configuration.md is the one generated from the schema', () => {
    const docs = readFileSync(resolve(import.meta.dirname, '../../../../docs/configuration.md'), 'utf8');
    assert.equal(docs, configReference(), 'run `npm run docs:config` to regenerate docs/configuration.md');
  });
});
