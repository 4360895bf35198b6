import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLinks } from './links.js';

test('--link NAME[:ALIAS]: slashes dropped, alias defaults to the name, endpoint links merged once; host and container: modes refused', () => {
  assert.deepEqual(decodeLinks(['web1:web', '/db', 'web1:web'], 'default'), [{ name: 'web1', alias: 'web' }, { name: 'db', alias: 'db' }]);
  assert.deepEqual(decodeLinks(['web1:web'], 'n1', { EndpointsConfig: { n1: { Links: ['web1:web', 'cache:c'] } } }), [{ name: 'web1', alias: 'web' }, { name: 'cache', alias: 'c' }]);
  assert.deepEqual(decodeLinks(null, 'host'), []);
  assert.throws(() => decodeLinks(['web1:web'], 'host'), /host type networking can't be used with links/);
  assert.throws(() => decodeLinks(['web1:web'], 'container:x'), /container type network can't be used with links/);
  for (const bad of ['a:b:c', 'web\n1:x', 'web1:x y', ':x', '']) assert.throws(() => decodeLinks([bad], 'default'), { kind: 'invalid', message: /HostConfig\.Links \(--link\)/ }, bad);
});
