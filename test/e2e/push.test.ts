/**
 * docker push through the real docker CLI to Debian's docker-registry in the test host's
 * namespace: a TLS + htpasswd registry after `docker login` (Docker's progress lines, the
 * registry's manifest and config read back with curl: the config is the image's exact bytes),
 * push -> rmi -> pull gives the same image id, a second push finds its layers there, tag and rmi
 * by digest; without login or with a wrong password nothing is pushed. Then the bearer-token flow
 * (registry `auth: token` + the token server): wrong password refused in Docker's words, login,
 * push and pull work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { withHost, type TestHost } from '../helpers/host.js';
import { addAddress, TestRegistry, type Credentials } from '../helpers/registry.js';
import { TestCa } from '../helpers/tls.js';
import { TokenServer } from '../helpers/token-server.js';

const SECURE = '10.77.0.1';
const USER: Credentials = { username: 'pusher', password: `pw-${Math.random().toString(36).slice(2)}` };
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

async function idOf(host: TestHost, name: string): Promise<string> {
  return host.dockerOk(['image', 'inspect', '-f', '{{.Id}}', name]);
}

/** A CA with a certs.d entry for `address`, handed to conetd as certs-dirs. */
async function certsFor(ca: TestCa, address: string): Promise<string> {
  const certs = join(ca.dir, 'certs.d');
  await mkdir(join(certs, address), { recursive: true });
  await copyFile(ca.caFile, join(certs, address, 'ca.crt'));
  return certs;
}

async function manifestOf(registry: TestRegistry, repo: string, tag: string, credentials?: Credentials): Promise<{ config: { digest: string }; layers: Array<{ digest: string; mediaType: string }> }> {
  const result = await registry.curl(['-H', `Accept: ${OCI_MANIFEST}`, `${registry.url}/v2/${repo}/manifests/${tag}`], credentials ? { credentials } : {});
  return JSON.parse(result.stdout) as never;
}

test('push to a TLS + htpasswd registry after login: progress, manifest and config, push -> rmi -> pull same id, layers already there, digest references', { timeout: 240_000 }, async () => {
  const ca = await TestCa.create();
  try {
    const certs = await certsFor(ca, `${SECURE}:5000`);
    await withHost(async (host) => {
      await addAddress(host.netnsPath, `${SECURE}/32`);
      const registry = await TestRegistry.start({ netns: host.netnsPath, address: SECURE, tls: ca, users: [USER] });
      try {
        const image = `${registry.address}/library/box:1`;
        await host.dockerOk(['tag', 'busybox', image]);
        const id = await idOf(host, image);

        const anonymous = await host.docker(['push', image]);
        assert.notEqual(anonymous.code, 0);
        assert.match(anonymous.stderr, /unauthorized: authentication required|no basic auth credentials/);
        assert.equal((await registry.curl(['-o', '/dev/null', '-w', '%{http_code}', `${registry.url}/v2/library/box/manifests/1`], { credentials: USER })).stdout, '404', 'nothing pushed');

        const login = await host.docker(['login', registry.address, '-u', USER.username, '--password-stdin'], { input: USER.password });
        assert.equal(login.code, 0, login.stderr);
        const push = await host.docker(['push', image], { timeoutMs: 120_000 });
        assert.equal(push.code, 0, push.stderr);
        const manifest = await manifestOf(registry, 'library/box', '1', USER);
        assert.equal(manifest.config.digest, id, 'the config pushed is the image\'s own bytes');
        assert.match(push.stdout, new RegExp(`^The push refers to repository \\[${registry.address}/library/box\\]$`, 'm'));
        const diffId = (await host.dockerOk(['image', 'inspect', '-f', '{{index .RootFS.Layers 0}}', image])).slice(7, 19);
        assert.match(push.stdout, new RegExp(`^${diffId}: Pushed$`, 'm'));
        const digest = /^1: digest: (sha256:[0-9a-f]{64}) size: \d+$/m.exec(push.stdout)?.[1];
        assert.ok(digest, push.stdout);
        assert.equal(manifest.layers.length, 1);
        assert.match(await host.dockerOk(['images', '--digests', '--format', '{{.Repository}} {{.Digest}}']), new RegExp(`${registry.address}/library/box ${digest}`));

        const again = await host.dockerOk(['push', image]);
        assert.match(again, new RegExp(`^${diffId}: Layer already exists$`, 'm'));
        assert.match(again, new RegExp(`^1: digest: ${digest} size: \\d+$`, 'm'));

        // Tag and rmi by digest; then every reference goes (the image is deleted) and a pull brings it back.
        await host.dockerOk(['tag', `${registry.address}/library/box@${digest}`, 'bydigest:1']);
        assert.equal(await idOf(host, 'bydigest:1'), id);
        const untagged = await host.dockerOk(['rmi', `${registry.address}/library/box@${digest}`]);
        assert.match(untagged, new RegExp(`Untagged: ${registry.address}/library/box@${digest}`));
        for (const name of ['bydigest:1', image, 'busybox']) await host.dockerOk(['rmi', name]);
        assert.equal((await host.docker(['image', 'inspect', id])).code, 1, 'the image is gone');
        const pull = await host.docker(['pull', image], { timeoutMs: 120_000 });
        assert.equal(pull.code, 0, pull.stderr);
        assert.match(pull.stdout, new RegExp(`^Digest: ${digest}$`, 'm'));
        assert.equal(await idOf(host, image), id, 'pulled back: the same image id');
        assert.equal((await host.dockerOk(['run', '--rm', image, 'echo', 'round trip'])).trim(), 'round trip');

        const unknown = await host.docker(['push', `${registry.address}/library/box:nope`]);
        assert.notEqual(unknown.code, 0);
        assert.match(unknown.stderr, new RegExp(`tag does not exist: ${registry.address}/library/box:nope`));
      } finally {
        await registry.stop();
      }
    }, { config: { 'certs-dirs': [certs], 'registry-timeout': 10 } });
  } finally {
    await ca.dispose();
  }
});

test('bearer-token registry: wrong password refused with nothing stored; login, push and pull work', { timeout: 240_000 }, async () => {
  const ca = await TestCa.create();
  try {
    const certs = await certsFor(ca, `${SECURE}:5002`);
    await withHost(async (host) => {
      await addAddress(host.netnsPath, `${SECURE}/32`);
      const tokens = await TokenServer.start({ netns: host.netnsPath, address: SECURE, port: 5443, ca, users: [USER] });
      let registry: TestRegistry | undefined;
      try {
        registry = await TestRegistry.start({ netns: host.netnsPath, address: SECURE, port: 5002, tls: ca, token: tokens.registryAuth });
        const bad = await host.docker(['login', registry.address, '-u', USER.username, '--password-stdin'], { input: 'wrong' });
        assert.notEqual(bad.code, 0);
        assert.match(bad.stderr, /401 Unauthorized/);
        const { readFile } = await import('node:fs/promises');
        const stored = await readFile(join(host.dir, 'docker-config', 'config.json'), 'utf8').catch(() => '{}');
        assert.doesNotMatch(stored, new RegExp(registry.address.replace(/\./g, '\\.')), 'no credentials kept after a refused login');

        const login = await host.docker(['login', registry.address, '-u', USER.username, '--password-stdin'], { input: USER.password });
        assert.equal(login.code, 0, login.stderr);
        assert.match(login.stdout, /Login Succeeded/);
        const image = `${registry.address}/team/box:v1`;
        await host.dockerOk(['tag', 'busybox', image]);
        const id = await idOf(host, image);
        const push = await host.docker(['push', image], { timeoutMs: 120_000 });
        assert.equal(push.code, 0, push.stderr);
        assert.match(push.stdout, /^v1: digest: sha256:[0-9a-f]{64} size: \d+$/m);
        assert.ok((await tokens.requests()).some((record) => record.status === 200 && record.user === USER.username && record.granted.some((scope) => scope.name === 'team/box' && scope.actions.includes('push'))), 'a push token was issued');

        for (const name of [image, 'busybox']) await host.dockerOk(['rmi', name]);
        assert.equal((await host.docker(['image', 'inspect', id])).code, 1, 'the image is gone');
        const pull = await host.docker(['pull', image], { timeoutMs: 120_000 });
        assert.equal(pull.code, 0, pull.stderr);
        assert.equal(await idOf(host, image), id);
      } finally {
        await registry?.stop();
        await tokens.stop();
      }
    }, { config: { 'certs-dirs': [certs], 'registry-timeout': 10 } });
  } finally {
    await ca.dispose();
  }
});
