import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { bySpecificity, compilePathPattern } from './path-pattern.ts';
import { routablePath } from './request-path.ts';

describe('path patterns', () => {
  it(':param segments capture one segment', () => {
    assert.deepEqual(compilePathPattern('/orders/:id/items/:item').match('/orders/42/items/7'), { id: '42', item: '7' });
    assert.equal(compilePathPattern('/orders/:id').match('/orders/42/items'), undefined);
    assert.equal(compilePathPattern('/orders/:id').match('/orders/'), undefined);
  });

  it('a final * matches the rest of the path, or nothing', () => {
    const pattern = compilePathPattern('/static/*');
    assert.deepEqual(pattern.match('/static/css/site.css'), { '*': 'css/site.css' });
    assert.deepEqual(pattern.match('/static'), { '*': '' });
    assert.equal(pattern.match('/staticfiles'), undefined);
  });

  it('a trailing slash matches the same route', () => {
    assert.ok(compilePathPattern('/orders').match('/orders/'));
  });

  it('literal characters are not regular expression syntax', () => {
    assert.equal(compilePathPattern('/a.b').match('/axb'), undefined);
  });

  it('literal segments sort before parameters, parameters before *', () => {
    const sorted = ['/orders/*', '/orders/:id', '/orders/mine'].map(compilePathPattern).sort(bySpecificity);
    assert.deepEqual(
      sorted.map((p) => p.source),
      ['/orders/mine', '/orders/:id', '/orders/*'],
    );
  });
});

describe('request paths', () => {
  it('the query is not part of the routed path', () => {
    assert.equal(routablePath('/orders?x=1'), '/orders');
  });

  it('dot segments, encoded slashes, backslashes and broken escapes are refused', () => {
    for (const path of ['/a/../b', '/a/./b', '/a/%2e%2E/b', '/a%2fb', '/a%5Cb', '/a\\b', '/%zz', 'relative'])
      assert.equal(routablePath(path), undefined, path);
  });

  it('dots inside a segment are fine', () => {
    assert.equal(routablePath('/files/a..b/v1.2.json'), '/files/a..b/v1.2.json');
  });
});
