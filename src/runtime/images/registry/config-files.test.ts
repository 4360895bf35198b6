import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, stat, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { certDirFor } from './certs.js';
import { isInsecure, validInsecureEntry } from './insecure.js';
import { DEFAULT_REGISTRY_OPTIONS, parseMirror } from './options.js';
import { registriesConf } from './registries-conf.js';
import { authFileText, openSession } from './session.js';

test('insecure registries: listed names, CIDRs and 127.0.0.0/8 always, as Docker', () => {
  assert.equal(isInsecure('127.0.0.1:5000', []), true);
  assert.equal(isInsecure('10.1.2.3:5000', []), false);
  assert.equal(isInsecure('10.1.2.3:5000', ['10.1.0.0/16']), true);
  assert.equal(isInsecure('10.2.2.3:5000', ['10.1.0.0/16']), false);
  assert.equal(isInsecure('reg.local:5000', ['reg.local:5000']), true);
  assert.equal(isInsecure('reg.local:5001', ['reg.local:5000']), false);
  assert.equal(isInsecure('reg.local:5001', ['reg.local']), true);
  assert.equal(validInsecureEntry('10.0.0.0/8'), true);
  assert.equal(validInsecureEntry('reg.local:5000'), true);
  for (const entry of ['http://x', 'a b', '10.0.0.0/40', 'x:y', 'a\nb']) assert.equal(validInsecureEntry(entry), false, entry);
});

test('mirrors: scheme and host only', () => {
  assert.deepEqual(parseMirror('http://10.0.0.2:5000'), { location: '10.0.0.2:5000', plainHttp: true });
  assert.deepEqual(parseMirror('https://mirror.example/'), { location: 'mirror.example', plainHttp: false });
  for (const url of ['10.0.0.2:5000', 'http://x/path', 'ftp://x', 'http://x"\n[[registry]]', 'http://']) assert.equal(parseMirror(url), undefined, url);
});

test('registries.conf: no search, the insecure registry marked, docker.io mirrors in order', () => {
  const options = { ...DEFAULT_REGISTRY_OPTIONS, mirrors: ['http://10.0.0.2:5000', 'https://m.example'], insecure: ['10.0.0.9:443'] };
  assert.equal(registriesConf(options, '10.0.0.9:443'), [
    'unqualified-search-registries = []', '',
    '[[registry]]', 'location = "10.0.0.9:443"', 'insecure = true', '',
    '[[registry]]', 'prefix = "docker.io"', 'location = "docker.io"', '',
    '[[registry.mirror]]', 'location = "10.0.0.2:5000"', 'insecure = true', '',
    '[[registry.mirror]]', 'location = "m.example"', 'insecure = false', '',
  ].join('\n'));
  assert.equal(registriesConf(DEFAULT_REGISTRY_OPTIONS, 'reg.example:443'), 'unqualified-search-registries = []\n');
});

test('auth file: base64 user:pass per host, identity token kept, nothing for anonymous', () => {
  assert.deepEqual(JSON.parse(authFileText(['h:1', 'm:2'], { username: 'u', password: 'p:w' })), { auths: { 'h:1': { auth: Buffer.from('u:p:w').toString('base64') }, 'm:2': { auth: Buffer.from('u:p:w').toString('base64') } } });
  assert.deepEqual(JSON.parse(authFileText(['h'], { username: '<token>', identityToken: 'tok' })).auths.h.identitytoken, 'tok');
  assert.deepEqual(JSON.parse(authFileText(['h'], undefined)), { auths: {} });
});

test('a session is a 0700 directory with a 0600 auth file, gone after dispose', async () => {
  const parent = await mkdtemp(join(tmpdir(), 'conet-session-'));
  try {
    const session = await openSession(parent, 'x = 1\n', ['h:1'], { username: 'u', password: 'secret' });
    assert.equal((await stat(session.dir)).mode & 0o777, 0o700);
    assert.equal((await stat(session.authFile)).mode & 0o777, 0o600);
    assert.match(await readFile(session.authFile, 'utf8'), /"h:1"/);
    assert.equal(session.env['HOME'], session.dir);
    await session.dispose();
    await assert.rejects(stat(session.dir));
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});

test('certs: HOST:PORT under the first configured directory that has it', async () => {
  const root = await mkdtemp(join(tmpdir(), 'conet-certs-'));
  try {
    await mkdir(join(root, 'a', '10.0.0.1:5000'), { recursive: true });
    await mkdir(join(root, 'b', '10.0.0.1:5000'), { recursive: true });
    await mkdir(join(root, 'b', 'reg.example'), { recursive: true });
    const dirs = [join(root, 'a'), join(root, 'b')];
    assert.equal(await certDirFor('10.0.0.1:5000', dirs), join(root, 'a', '10.0.0.1:5000'));
    assert.equal(await certDirFor('reg.example', dirs), join(root, 'b', 'reg.example'));
    assert.equal(await certDirFor('reg.example:443', dirs), undefined);
    assert.equal(await certDirFor('..', dirs), undefined);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
