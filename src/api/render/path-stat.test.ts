import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodePathStat, goFileMode, goTime } from './path-stat.js';

test("path stat: st_mode as Go's os.FileMode", () => {
  assert.equal(goFileMode(0o100644), 0o644, 'a regular file has no type bits');
  assert.equal(goFileMode(0o040755), 2 ** 31 + 0o755, 'ModeDir');
  assert.equal(goFileMode(0o120777), 2 ** 27 + 0o777, 'ModeSymlink');
  assert.equal(goFileMode(0o010644), 2 ** 25 + 0o644, 'ModeNamedPipe');
  assert.equal(goFileMode(0o140755), 2 ** 24 + 0o755, 'ModeSocket');
  assert.equal(goFileMode(0o060660), 2 ** 26 + 0o660, 'ModeDevice');
  assert.equal(goFileMode(0o020666), 2 ** 26 + 2 ** 21 + 0o666, 'ModeDevice|ModeCharDevice');
  assert.equal(goFileMode(0o041777), 2 ** 31 + 2 ** 20 + 0o777, 'sticky /tmp');
  assert.equal(goFileMode(0o104755), 2 ** 23 + 0o755, 'setuid');
  assert.equal(goFileMode(0o102755), 2 ** 22 + 0o755, 'setgid');
});

test("path stat: mtime in Go's RFC 3339 form, fraction trimmed", () => {
  assert.equal(goTime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))), '2024-01-02T03:04:05Z');
  assert.equal(goTime(new Date(Date.UTC(2024, 0, 2, 3, 4, 50, 120))), '2024-01-02T03:04:50.12Z');
  assert.equal(goTime(new Date(Date.UTC(2024, 0, 2, 3, 4, 0, 7))), '2024-01-02T03:04:00.007Z');
});

test('path stat: the header is base64 of the JSON Docker sends, in its field order', () => {
  const header = encodePathStat({ name: 'link', size: 11, mode: 0o120777, mtime: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 500)), linkTarget: '/etc/shadow' });
  const json = Buffer.from(header, 'base64').toString('utf8');
  assert.equal(json, `{"name":"link","size":11,"mode":${2 ** 27 + 0o777},"mtime":"2024-01-02T03:04:05.5Z","linkTarget":"/etc/shadow"}`);
});
