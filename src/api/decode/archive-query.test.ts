import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeArchiveQuery, decodeExtractQuery, dockerBool } from './archive-query.js';

const query = (text: string) => new URLSearchParams(text);

test('archive query: path required, NUL and over-long paths refused with a 400', () => {
  assert.deepEqual(decodeArchiveQuery(query('path=%2Fetc%2Fhostname')), { path: '/etc/hostname' });
  assert.deepEqual(decodeArchiveQuery(query('path=relative%2Fdir%2F.')), { path: 'relative/dir/.' }, 'kept as given: resolved inside the root later');
  assert.throws(() => decodeArchiveQuery(query('')), { kind: 'invalid', message: 'bad parameter: path cannot be empty' });
  assert.throws(() => decodeArchiveQuery(query('path=')), { kind: 'invalid' });
  assert.throws(() => decodeArchiveQuery(query('path=%2Fa%00b')), { kind: 'invalid', message: /NUL/ });
  assert.throws(() => decodeArchiveQuery(query(`path=${'a'.repeat(5000)}`)), { kind: 'invalid', message: /longer than 4096/ });
});

test("archive query: PUT flags read with Docker's BoolValue", () => {
  for (const falsy of [null, '', '0', 'no', 'false', 'FALSE', ' none ']) assert.equal(dockerBool(falsy), false, String(falsy));
  for (const truthy of ['1', 'true', 'True', 'yes', 'anything']) assert.equal(dockerBool(truthy), true, truthy);
  assert.deepEqual(decodeExtractQuery(query('path=%2Ftmp&noOverwriteDirNonDir=true&copyUIDGID=0')), { path: '/tmp', noOverwriteDirNonDir: true, copyUidGid: false });
  assert.deepEqual(decodeExtractQuery(query('path=%2F&copyUIDGID=1')), { path: '/', noOverwriteDirNonDir: false, copyUidGid: true });
  assert.throws(() => decodeExtractQuery(query('copyUIDGID=1')), { kind: 'invalid' });
});
