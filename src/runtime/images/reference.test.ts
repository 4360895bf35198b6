import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { familiarName, familiarString, parseReference, parseRegistryReference, pullReference, withDefaultTag } from './reference.js';

const HEX = 'a'.repeat(64);

test('Docker normalisation of names, tags and digests', () => {
  const cases: Array<[string, { domain: string; path: string; tag?: string; digest?: string }]> = [
    ['nginx', { domain: 'docker.io', path: 'library/nginx' }],
    ['nginx:1.9.1', { domain: 'docker.io', path: 'library/nginx', tag: '1.9.1' }],
    ['docker.io/nginx', { domain: 'docker.io', path: 'library/nginx' }],
    ['index.docker.io/library/nginx', { domain: 'docker.io', path: 'library/nginx' }],
    ['training/webapp', { domain: 'docker.io', path: 'training/webapp' }],
    ['a/b/c:v2', { domain: 'docker.io', path: 'a/b/c', tag: 'v2' }],
    ['localhost/app', { domain: 'localhost', path: 'app' }],
    ['localhost:5000/app:1', { domain: 'localhost:5000', path: 'app', tag: '1' }],
    ['10.0.0.1:5000/library/nginx:1.9.1', { domain: '10.0.0.1:5000', path: 'library/nginx', tag: '1.9.1' }],
    ['registry.example.com/team/app', { domain: 'registry.example.com', path: 'team/app' }],
    ['[fd00::1]:5000/app', { domain: '[fd00::1]:5000', path: 'app' }],
    ['Registry.Example/app', { domain: 'Registry.Example', path: 'app' }],
    [`nginx@sha256:${HEX}`, { domain: 'docker.io', path: 'library/nginx', digest: `sha256:${HEX}` }],
    [`nginx:1.9.1@sha256:${HEX}`, { domain: 'docker.io', path: 'library/nginx', tag: '1.9.1', digest: `sha256:${HEX}` }],
    [`h:5/x@sha256:${HEX}`, { domain: 'h:5', path: 'x', digest: `sha256:${HEX}` }],
    ['my_app-1__y/re---po.x', { domain: 'docker.io', path: 'my_app-1__y/re---po.x' }],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parseRegistryReference(text), expected, text);
});

test('malformed references are 400 invalid reference format', () => {
  const bad = ['', 'Nginx', 'library/Nginx:1', 'nginx:', 'nginx:-x', ':tag', 'a//b', '/a', 'a/', 'ngi nx', 'a..b/c', 'nginx@sha256:abc', `nginx@md5:${HEX}`,
    'nginx@', 'host:port/x', '-a', 'a-', 'a_-b', 'x:1:2', `x:${'t'.repeat(129)}`, `${'a'.repeat(256)}`, 'a\nb', 'a;b', '[::1/x', HEX];
  for (const text of bad) {
    assert.throws(() => parseRegistryReference(text), (error: Error & { kind?: string }) => /invalid/.test(error.message) && error.kind === 'invalid', JSON.stringify(text));
  }
  assert.throws(() => parseRegistryReference('library/Nginx'), /^EngineError: invalid reference format: repository name \(library\/Nginx\) must be lowercase$/);
  assert.throws(() => parseRegistryReference('a b'), /^EngineError: invalid reference format$/);
});

test('familiar forms as the docker CLI prints them', () => {
  assert.equal(familiarString(withDefaultTag(parseRegistryReference('nginx'))), 'nginx:latest');
  assert.equal(familiarString(parseRegistryReference('docker.io/library/nginx:1.9.1')), 'nginx:1.9.1');
  assert.equal(familiarString(parseRegistryReference('training/webapp')), 'training/webapp');
  assert.equal(familiarString(parseRegistryReference('h:5000/library/nginx:1.9.1')), 'h:5000/library/nginx:1.9.1');
  assert.equal(familiarName(parseRegistryReference('docker.io/library/a/b')), 'library/a/b');
  assert.equal(familiarString(parseRegistryReference(`nginx@sha256:${HEX}`)), `nginx@sha256:${HEX}`);
  assert.deepEqual(parseReference('docker.io/library/busybox'), { repository: 'busybox', tag: 'latest' });
  assert.deepEqual(parseReference('h:5000/library/nginx:1.9.1'), { repository: 'h:5000/library/nginx', tag: '1.9.1' });
  assert.throws(() => parseReference(`nginx@sha256:${HEX}`), /invalid reference format/);
});

test('fromImage and tag combine as the engine API does', () => {
  assert.deepEqual(pullReference('nginx', ''), { domain: 'docker.io', path: 'library/nginx', tag: 'latest' });
  assert.deepEqual(pullReference('nginx', '1.9.1'), { domain: 'docker.io', path: 'library/nginx', tag: '1.9.1' });
  assert.deepEqual(pullReference('nginx:old', '1.9.1'), { domain: 'docker.io', path: 'library/nginx', tag: '1.9.1' });
  assert.deepEqual(pullReference('nginx', `sha256:${HEX}`), { domain: 'docker.io', path: 'library/nginx', digest: `sha256:${HEX}` });
  assert.deepEqual(pullReference(`nginx@sha256:${HEX}`, ''), { domain: 'docker.io', path: 'library/nginx', digest: `sha256:${HEX}` });
  assert.throws(() => pullReference('nginx', 'bad tag'), /invalid reference format/);
  assert.throws(() => pullReference('nginx', 'sha256:12'), /invalid reference format/);
});

test('property: a valid name with tag round-trips through its familiar form', () => {
  // No '.' in the first component: it would make it a registry host, as in Docker.
  const component = fc.stringMatching(/^[a-z0-9]{1,8}(?:[_-][a-z0-9]{1,8}){0,2}$/);
  const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
  const domain = fc.constantFrom(undefined, 'localhost:5000', 'reg.example.com', '10.1.2.3:443');
  fc.assert(fc.property(domain, fc.array(component, { minLength: 1, maxLength: 3 }), tag, (host, parts, version) => {
    const text = `${host ? `${host}/` : ''}${parts.join('/')}:${version}`;
    const parsed = parseRegistryReference(text);
    assert.deepEqual(parseRegistryReference(familiarString(parsed)), parsed);
    assert.equal(parsed.tag, version);
  }));
});

test('property: any text either parses or is a 400, never another error', () => {
  fc.assert(fc.property(fc.string({ maxLength: 80 }), (text) => {
    try {
      const parsed = parseRegistryReference(text);
      assert.ok(parsed.path.length > 0);
    } catch (error) {
      assert.equal((error as { kind?: string }).kind, 'invalid', String(error));
    }
  }));
});
