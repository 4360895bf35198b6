/**
 * The registry harness itself (test/helpers/registry.ts, registry-images.ts, token-server.ts),
 * with no conet involved: Debian's docker-registry in a throwaway namespace with TLS and htpasswd
 * auth takes a pushed stand-in image (listed in the catalog, its manifest read with curl), and
 * stopping it leaves no process, namespace or directory behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { run, startProcess } from '../../src/exec/index.js';
import { NETNS_PREFIX } from '../helpers/host.js';
import { createNetns, deleteNetns, listNetns, type Netns } from '../helpers/netns.js';
import { addAddress, linkClient, TestRegistry, writeCertsDir, type Credentials } from '../helpers/registry.js';
import { buildLayeredPair, buildStandIns, NGINX_PAGE, OciLayout, pushImage, pushStandIns, STAND_IN_REFERENCES, WEBAPP_TEXT } from '../helpers/registry-images.js';
import { TestCa } from '../helpers/tls.js';
import { TokenServer } from '../helpers/token-server.js';
import { ROGUE_MODES, RogueRegistry, type RogueMode } from '../helpers/rogue-registry.js';

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
  // Reached only when fn passed: the layout, the CA and the namespace are gone.
  assert.deepEqual(await listNetns(netns.name), []);
  assert.equal(await exists(layout.dir), false, 'layout removed');
  assert.equal(await exists(ca.dir), false, 'CA removed');
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

      // Another namespace reaches the registry over a link, trusting it through a certs.d tree.
      const client = await createNetns(`${NETNS_PREFIX}regc`);
      try {
        const { clientAddress } = await linkClient(netns.path, client.path, 3, ADDRESS);
        assert.equal(clientAddress, '10.78.0.14');
        const certs = await writeCertsDir(registry, join(layout.dir, 'certs.d'));
        const fromClient = await run(['nsenter', `--net=${client.path}`, '--', 'curl', '-sS', '--max-time', '5', '--cacert', join(certs, `${ADDRESS}:5000`, 'ca.crt'), '-o', '/dev/null', '-w', '%{http_code}', `${registry.url}/v2/`], { allowFailure: true, timeoutMs: 10_000 });
        assert.equal(fromClient.stdout, '401', fromClient.stderr);
        assert.ok((await registry.accessLog()).some((entry) => entry.path === '/v2/' && entry.status === 401));
      } finally {
        await deleteNetns(client);
      }

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
    // Checked before the namespace goes (deleting it would kill a leftover process).
    assert.ok(leftovers);
    assert.equal(alive(leftovers.pid), false, 'registry process ended');
    assert.equal(await exists(leftovers.dir), false, 'registry directory removed');
  });
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

      // The benchmark's pair, small: 5 layers, the first 4 shared.
      const pair = await buildLayeredPair(layout, { layers: 5, shared: 4, totalBytes: 1 << 20 });
      await pushImage(layout, pair.first, registry, 'bench/first:latest');
      await pushImage(layout, pair.second, registry, 'bench/second:latest');
      const layersOf = async (repo: string): Promise<string[]> =>
        (JSON.parse((await registry.curl(['-H', `Accept: ${OCI_MANIFEST}`, `${registry.url}/v2/${repo}/manifests/latest`])).stdout) as { layers: Array<{ digest: string }> }).layers.map((layer) => layer.digest);
      const first = await layersOf('bench/first');
      const second = await layersOf('bench/second');
      assert.equal(first.length, 5);
      assert.equal(second.length, 5);
      assert.deepEqual(second.slice(0, 4), first.slice(0, 4));
      assert.notEqual(second[4], first[4]);
      assert.equal(new Set(first).size, 5, 'five distinct layers');
    } finally {
      await registry.stop();
    }
  });
});

test('token flow: anonymous /v2/ gets a Bearer challenge, a token from the token server reads, a wrong password and another repo get nothing', { timeout: 60_000 }, async () => {
  await withWorld(async ({ netns, ca, layout }) => {
    const tokens = await TokenServer.start({ netns: netns.path, address: ADDRESS, port: 5443, ca, users: [{ ...USER }, { username: 'narrow', password: 'narrow-pw', repositories: ['other/repo'] }] });
    const tokenPid = tokens.pid!;
    let registry: TestRegistry | undefined;
    try {
      registry = await TestRegistry.start({ netns: netns.path, address: ADDRESS, port: 5002, tls: ca, token: tokens.registryAuth });
      const challenge = await registry.curl(['-o', '/dev/null', '-D', '-', `${registry.url}/v2/`]);
      assert.match(challenge.stdout, /^HTTP\/[\d.]+ 401/m);
      assert.match(challenge.stdout, new RegExp(`^www-authenticate: Bearer realm="${tokens.realm.replace(/[.]/g, '\\.')}",service="conet-test-registry"`, 'im'));

      // skopeo does the whole flow with the user's basic credentials.
      await layout.image('tiny', { layers: [{ kind: 'files', files: { 'hello.txt': 'hello\n' } }] });
      await pushImage(layout, 'tiny', registry, 'team/tiny:v1', { credentials: USER });
      assert.ok((await tokens.requests()).some((record) => record.status === 200 && record.user === USER.username && record.granted.some((scope) => scope.name === 'team/tiny' && scope.actions.includes('push'))));

      const token = async (credentials: Credentials | undefined, scope: string): Promise<{ status: string; token?: string }> => {
        const result = await registry!.curl(['-w', '\\n%{http_code}', '-G', '--data-urlencode', 'service=conet-test-registry', '--data-urlencode', `scope=${scope}`, tokens.realm], credentials ? { credentials } : {});
        const at = result.stdout.lastIndexOf('\n');
        const status = result.stdout.slice(at + 1);
        return status === '200' ? { status, token: (JSON.parse(result.stdout.slice(0, at)) as { token: string }).token } : { status };
      };
      const readManifest = async (bearer: string | undefined): Promise<string> => {
        const result = await registry!.curl(['-o', '/dev/null', '-w', '%{http_code}', '-H', `Accept: ${OCI_MANIFEST}`, ...(bearer ? ['-H', `Authorization: Bearer ${bearer}`] : []), `${registry!.url}/v2/team/tiny/manifests/v1`]);
        return result.stdout;
      };
      assert.equal(await readManifest(undefined), '401');
      const good = await token(USER, 'repository:team/tiny:pull');
      assert.equal(good.status, '200');
      assert.equal(await readManifest(good.token), '200');
      assert.equal((await token({ ...USER, password: 'wrong' }, 'repository:team/tiny:pull')).status, '401');
      assert.equal((await token(undefined, 'repository:team/tiny:pull')).status, '401', 'no anonymous pull');
      assert.equal((await token(USER, 'repository:../etc:pull')).status, '400');
      // A user limited to other/repo gets a token without team/tiny in it: the registry refuses it.
      const narrow = await token({ username: 'narrow', password: 'narrow-pw' }, 'repository:team/tiny:pull');
      assert.equal(narrow.status, '200');
      assert.equal(await readManifest(narrow.token), '401');
    } finally {
      await registry?.stop();
      await tokens.stop();
    }
    assert.equal(alive(tokenPid), false, 'token server ended');
    assert.equal(await exists(tokens.dir), false, 'token server directory removed');
  });
});

test('two images on one base share its blob; a multi-arch index lists amd64 and arm64; the access log counts blob GETs', { timeout: 60_000 }, async () => {
  await withWorld(async ({ netns, ca, layout }) => {
    const registry = await TestRegistry.start({ netns: netns.path, address: ADDRESS, port: 5003, tls: ca, users: [USER] });
    try {
      // The seed's names, pushed from a layout of their own; the local layout's base is the same blob.
      const pushed = await pushStandIns(registry);
      assert.deepEqual([...pushed.keys()], STAND_IN_REFERENCES.map((entry) => entry.target));
      assert.equal(pushed.get('library/nginx:1.9.1'), pushed.get('library/nginx:latest'));
      const catalog = await registry.curl([`${registry.url}/v2/_catalog`], { credentials: USER });
      assert.deepEqual(JSON.parse(catalog.stdout), { repositories: ['library/busybox', 'library/nginx', 'library/ubuntu', 'training/webapp'] });
      const tags = await buildStandIns(layout);
      await pushImage(layout, tags.webapp, registry, 'training/webapp:v2s2', { format: 'v2s2' });
      const manifest = async (repo: string, tag: string, accept: string): Promise<{ layers: Array<{ digest: string; size: number }>; manifests?: Array<{ digest: string; platform: { architecture: string; os: string } }> }> =>
        JSON.parse((await registry.curl(['-H', `Accept: ${accept}`, `${registry.url}/v2/${repo}/manifests/${tag}`], { credentials: USER })).stdout) as never;
      const nginx = await manifest('library/nginx', '1.9.1', OCI_MANIFEST);
      const webapp = await manifest('training/webapp', 'v2s2', 'application/vnd.docker.distribution.manifest.v2+json');
      assert.equal((await manifest('training/webapp', 'latest', OCI_MANIFEST)).layers[0]!.digest, nginx.layers[0]!.digest);
      assert.equal(nginx.layers[0]!.digest, (await layout.layers(tags.base))[0], 'deterministic base layer');
      assert.equal(nginx.layers.length, 2);
      assert.equal(webapp.layers.length, 2);
      const base = nginx.layers[0]!.digest;
      assert.equal(webapp.layers[0]!.digest, base, 'same base blob in both manifests');
      assert.notEqual(webapp.layers[1]!.digest, nginx.layers[1]!.digest);

      // The access log: no GET of the base yet (pushes only HEAD and PUT), then exactly the ones made.
      assert.equal(await registry.blobGets(base), 0);
      for (let i = 0; i < 2; i += 1) {
        const blob = await registry.curl(['-o', '/dev/null', '-w', '%{http_code}', `${registry.url}/v2/training/webapp/blobs/${base}`], { credentials: USER });
        assert.equal(blob.stdout, '200');
      }
      assert.equal(await registry.blobGets(base), 2);

      // A multi-arch index: two manifests with their platforms, different content.
      await layout.image('multi-amd64', { from: tags.base, layers: [{ kind: 'files', files: { 'etc/arch': 'amd64\n' } }], config: { architecture: 'amd64', os: 'linux' } });
      await layout.image('multi-arm64', { from: tags.base, layers: [{ kind: 'files', files: { 'etc/arch': 'arm64\n' } }], config: { architecture: 'arm64', os: 'linux' } });
      await layout.index('multi', [{ tag: 'multi-amd64', platform: { architecture: 'amd64', os: 'linux' } }, { tag: 'multi-arm64', platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } }]);
      const indexDigest = await pushImage(layout, 'multi', registry, 'tests/multi:latest');
      const index = await manifest('tests/multi', 'latest', 'application/vnd.oci.image.index.v1+json');
      assert.deepEqual(index.manifests?.map((entry) => `${entry.platform.os}/${entry.platform.architecture}`), ['linux/amd64', 'linux/arm64']);
      assert.notEqual(index.manifests?.[0]?.digest, index.manifests?.[1]?.digest);
      const arm = await manifest('tests/multi', index.manifests![1]!.digest, OCI_MANIFEST);
      assert.equal(arm.layers[0]!.digest, base);
      const listed = await manifest('tests/multi', indexDigest, 'application/vnd.oci.image.index.v1+json');
      assert.equal(listed.manifests?.length, 2);
      // As a Docker manifest list too.
      await pushImage(layout, 'multi', registry, 'tests/multi:v2s2', { format: 'v2s2' });
      const list = await registry.curl(['-w', '\\n%{content_type}', '-H', 'Accept: application/vnd.docker.distribution.manifest.list.v2+json', `${registry.url}/v2/tests/multi/manifests/v2s2`], { credentials: USER });
      assert.match(list.stdout, /\napplication\/vnd\.docker\.distribution\.manifest\.list\.v2\+json$/);

      // A random-data layer of a given size (the benchmark's), sharing the base, tampering target.
      await layout.image('big', { from: tags.base, layers: [{ kind: 'random', bytes: 3 << 20 }] });
      await pushImage(layout, 'big', registry, 'tests/big:latest');
      const big = await manifest('tests/big', 'latest', OCI_MANIFEST);
      assert.ok(big.layers[1]!.size > 3 << 20 && big.layers[1]!.size < (3 << 20) + 65536, `random layer size ${big.layers[1]!.size}`);
      assert.equal((await stat(registry.blobPath(big.layers[1]!.digest))).size, big.layers[1]!.size);
    } finally {
      await registry.stop();
    }
  });
});

test('the stand-ins run as their configs say: nginx serves its page on 80, `python app.py` serves "Hello world!" on 5000', { timeout: 60_000 }, async () => {
  await withWorld(async ({ netns, layout }) => {
    const tags = await buildStandIns(layout);
    for (const [tag, port, page] of [[tags.nginx, 80, NGINX_PAGE], [tags.webapp, 5000, WEBAPP_TEXT]] as const) {
      // umoci unpack turns the image config into an OCI runtime config: the command and working
      // directory run here chrooted in the namespace, as a container would run them.
      const bundle = join(layout.dir, `bundle-${tag}`);
      await run(['umoci', 'unpack', '--image', `${layout.layout}:${tag}`, bundle], { timeoutMs: 60_000 });
      const spec = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8')) as { process: { args: string[]; cwd: string; env: string[] } };
      if (tag === tags.webapp) assert.deepEqual([spec.process.args, spec.process.cwd], [['python', 'app.py'], '/opt/webapp']);
      const server = startProcess(['nsenter', `--net=${netns.path}`, '--', 'chroot', join(bundle, 'rootfs'), '/usr/bin/env', '-i', ...spec.process.env, '/bin/sh', '-c', 'cd "$0" && exec "$@"', spec.process.cwd, ...spec.process.args]);
      try {
        let body = '';
        for (let attempt = 0; attempt < 30 && body !== page; attempt += 1) {
          const fetched = await run(['nsenter', `--net=${netns.path}`, '--', 'curl', '-sS', '--max-time', '2', `http://${ADDRESS}:${port}/`], { allowFailure: true, timeoutMs: 5_000 });
          body = fetched.stdout;
          if (body !== page) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.equal(body, page, `${tag} on ${port}`);
      } finally {
        await server.stop(2_000);
      }
    }
  });
});

test('the rogue registry: every mode is refused by a real client (skopeo copy), and it logs what was asked', { timeout: 60_000 }, async () => {
  await withWorld(async ({ netns, layout }) => {
    const rogue = await RogueRegistry.start({ netns: netns.path, address: ADDRESS, port: 5099 });
    const pid = rogue.pid!;
    try {
      const ping = await run(['nsenter', `--net=${netns.path}`, '--', 'curl', '-sS', '--max-time', '2', '-D', '-', '-o', '/dev/null', `${rogue.url}/v2/`], { allowFailure: true, timeoutMs: 5_000 });
      assert.match(ping.stdout, /docker-distribution-api-version: registry\/2\.0/i);
      const outcomes = await Promise.all((Object.keys(ROGUE_MODES) as RogueMode[]).map(async (mode) => {
        const copy = await run(['nsenter', `--net=${netns.path}`, '--', 'skopeo', '--command-timeout', '3s', 'copy', '--src-tls-verify=false', `docker://${rogue.reference(mode)}`, `oci:${join(layout.dir, `pulled-${mode}`)}:x`], { allowFailure: true, timeoutMs: 20_000 });
        return { mode, code: copy.code, stderr: copy.stderr };
      }));
      for (const outcome of outcomes) assert.notEqual(outcome.code, 0, `${outcome.mode} must fail`);
      assert.match(outcomes.find((outcome) => outcome.mode === 'blob')!.stderr, /digest/i);
      const asked = await rogue.requests();
      for (const mode of Object.keys(ROGUE_MODES)) assert.ok(asked.some((request) => request.path.startsWith(`/v2/rogue/${mode}/manifests/`)), `${mode} was asked`);
      assert.ok(asked.some((request) => request.method === 'GET' && request.path.startsWith('/v2/rogue/blob/blobs/')), 'the blob mode served its layer');
    } finally {
      await rogue.stop();
    }
    assert.equal(alive(pid), false);
  });
});
