/**
 * The registry harness itself (test/helpers/registry.ts, registry-images.ts, token-server.ts),
 * with no conet involved: Debian's docker-registry in a throwaway namespace with TLS and htpasswd
 * auth takes a pushed stand-in image (listed in the catalog, its manifest read with curl), and
 * stopping it leaves no process, namespace or directory behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { NETNS_PREFIX } from '../helpers/host.js';
import { createNetns, deleteNetns, type Netns } from '../helpers/netns.js';
import { addAddress, TestRegistry, type Credentials } from '../helpers/registry.js';
import { buildStandIns, OciLayout, pushImage } from '../helpers/registry-images.js';
import { TestCa } from '../helpers/tls.js';

const ADDRESS = '10.77.0.1';
const USER: Credentials = { username: 'tester', password: `pw-${Math.random().toString(36).slice(2)}` };
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** A namespace with ADDRESS on a dummy link, a CA and a layout, all removed after `fn`. */
async function withWorld(fn: (world: { netns: Netns; ca: TestCa; layout: OciLayout }) => Promise<void>): Promise<void> {
  const netns = await createNetns(`${NETNS_PREFIX}reg`);
  let ca: TestCa | undefined;
  let layout: OciLayout | undefined;
  try {
    await addAddress(netns.path, `${ADDRESS}/32`);
    ca = await TestCa.create();
    layout = await OciLayout.create();
    await fn({ netns, ca, layout });
  } finally {
    await layout?.dispose();
    await ca?.dispose();
    await deleteNetns(netns);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

test('TLS + htpasswd registry: a pushed image is in the catalog, its manifest readable with basic auth; nothing left after stop', { timeout: 60_000 }, async () => {
  let leftovers: { pid: number; dir: string } | undefined;
  await withWorld(async ({ netns, ca, layout }) => {
    const registry = await TestRegistry.start({ netns: netns.path, address: ADDRESS, port: 5000, tls: ca, users: [USER] });
    try {
      assert.equal(registry.address, `${ADDRESS}:5000`);
      const anonymous = await registry.curl(['-o', '/dev/null', '-D', '-', `${registry.url}/v2/`]);
      assert.match(anonymous.stdout, /^HTTP\/[\d.]+ 401/m);
      assert.match(anonymous.stdout, /^www-authenticate: Basic realm="conet-test-registry"/im);
      const wrong = await registry.curl(['-o', '/dev/null', '-w', '%{http_code}', `${registry.url}/v2/`], { credentials: { ...USER, password: 'wrong' } });
      assert.equal(wrong.stdout, '401');

      const { nginx } = await buildStandIns(layout);
      const digest = await pushImage(layout, nginx, registry, 'library/nginx:1.9.1');
      assert.match(digest, /^sha256:[0-9a-f]{64}$/);

      const catalog = await registry.curl([`${registry.url}/v2/_catalog`], { credentials: USER });
      assert.deepEqual(JSON.parse(catalog.stdout), { repositories: ['library/nginx'] });
      const manifest = await registry.curl(['-w', '\\n%{content_type}', '-H', `Accept: ${OCI_MANIFEST}`, `${registry.url}/v2/library/nginx/manifests/1.9.1`], { credentials: USER });
      const at = manifest.stdout.lastIndexOf('\n');
      assert.equal(manifest.stdout.slice(at + 1), OCI_MANIFEST);
      const parsed = JSON.parse(manifest.stdout.slice(0, at)) as { config: { digest: string }; layers: Array<{ digest: string }> };
      assert.equal(parsed.layers.length, 2, 'busybox base + the page');
      assert.deepEqual(parsed.layers.map((layer) => layer.digest), await layout.layers(nginx));
      const config = JSON.parse((await registry.curl([`${registry.url}/v2/library/nginx/blobs/${parsed.config.digest}`], { credentials: USER })).stdout) as { config: { Cmd: string[]; ExposedPorts: Record<string, unknown> } };
      assert.deepEqual(config.config.Cmd, ['httpd', '-f', '-p', '80', '-h', '/var/www']);
      assert.deepEqual(Object.keys(config.config.ExposedPorts).sort(), ['443/tcp', '80/tcp']);

      // The blob is a file in storage, and the access log saw the GET of the config blob.
      assert.ok(await exists(registry.blobPath(parsed.layers[0]!.digest)));
      assert.equal(await registry.blobGets(parsed.config.digest), 1);
      assert.ok((await registry.accessLog()).some((entry) => entry.method === 'PUT' && entry.path === '/v2/library/nginx/manifests/1.9.1' && entry.status === 201));

      // A registry that is down answers nothing; resumed on the same storage it has the image.
      await registry.halt();
      assert.notEqual((await registry.curl(['--max-time', '2', `${registry.url}/v2/`])).code, 0);
      await registry.resume();
      const again = await registry.curl(['-o', '/dev/null', '-w', '%{http_code}', '-H', `Accept: ${OCI_MANIFEST}`, `${registry.url}/v2/library/nginx/manifests/1.9.1`], { credentials: USER });
      assert.equal(again.stdout, '200');
      leftovers = { pid: registry.pid!, dir: registry.dir };
    } finally {
      await registry.stop();
    }
  });
  assert.ok(leftovers);
  assert.equal(alive(leftovers.pid), false, 'registry process ended');
  assert.equal(await exists(leftovers.dir), false, 'registry directory removed');
});

test('plain HTTP registry without auth takes a Docker schema 2 push', { timeout: 60_000 }, async () => {
  await withWorld(async ({ netns, layout }) => {
    const registry = await TestRegistry.start({ netns: netns.path, address: ADDRESS, port: 5001 });
    try {
      assert.equal(registry.url, `http://${ADDRESS}:5001`);
      await layout.image('tiny', { layers: [{ kind: 'files', files: { 'hello.txt': 'hello\n' } }], config: { cmd: ['cat', '/hello.txt'] } });
      const digest = await pushImage(layout, 'tiny', registry, 'tests/tiny:v1', { format: 'v2s2' });
      const manifest = await registry.curl(['-H', 'Accept: application/vnd.docker.distribution.manifest.v2+json', `${registry.url}/v2/tests/tiny/manifests/v1`]);
      assert.equal((JSON.parse(manifest.stdout) as { mediaType: string }).mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
      const byDigest = await registry.curl(['-o', '/dev/null', '-w', '%{http_code}', '-H', 'Accept: application/vnd.docker.distribution.manifest.v2+json', `${registry.url}/v2/tests/tiny/manifests/${digest}`]);
      assert.equal(byDigest.stdout, '200');
    } finally {
      await registry.stop();
    }
  });
});
