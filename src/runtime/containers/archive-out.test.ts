import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statName, tarMember } from './archive-out.js';

test("archive out: Docker's names of a path", () => {
  assert.deepEqual(['/etc/hostname', 'etc/', '/etc/.', '/', '/a/../b'].map(statName), ['hostname', 'etc', '.', '/', 'b']);
});

test('archive out: tar runs in the parent directory with the member named as asked', () => {
  assert.deepEqual(tarMember('/etc/hostname'), { directory: '/etc', member: 'hostname' });
  assert.deepEqual(tarMember('etc/'), { directory: '/', member: 'etc' });
  assert.deepEqual(tarMember('/etc/.'), { directory: '/etc', member: '.' });
  assert.deepEqual(tarMember('/'), { directory: '/', member: '.' });
  assert.deepEqual(tarMember('/-rf'), { directory: '/', member: '-rf' }, 'after --: never an option');
});
