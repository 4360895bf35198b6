/**
 * docker pull from real registries (Debian's docker-registry in the test host's namespace), through
 * the real docker CLI: a TLS + htpasswd registry after `docker login` (per-layer progress, Digest
 * and Status lines, `docker images --digests`, the image serves its page), no login, unknown tag,
 * bad inputs and a tampered blob (each refused in Docker's words, nothing stored); a plain registry
 * as docker.io's `registry-mirrors` (`docker run -d -P --net=bridge nginx:1.9.1` as the seed types
 * it), two images on one base pulled at once (the base blob fetched once), a silent registry
 * failing within `registry-timeout`, and a pull whose client is killed halfway (no image; after a
 * restart no blob of it anywhere).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, startProcess } from '../../src/exec/index.js';
import { TestHost, withHost } from '../helpers/host.js';
import { httpGet } from '../helpers/outside.js';
import { addAddress, TestRegistry, type Credentials } from '../helpers/registry.js';
import { buildStandIns, NGINX_PAGE, OciLayout, pushImage, WEBAPP_TEXT } from '../helpers/registry-images.js';
import { TestCa } from '../helpers/tls.js';

const SECURE = '10.77.0.1';
const PLAIN = '10.77.0.2';
const USER: Credentials = { username: 'puller', password: `pw-${Math.random().toString(36).slice(2)}` };

async function files(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory()) found.push(...(await files(join(dir, entry.name))));
    else found.push(join(dir, entry.name));
  }
  return found;
}

/** Nothing of a pull is left in the puller's work directory (sessions, layouts, shared blobs). */
async function assertPullsEmpty(host: TestHost): Promise<void> {
  assert.deepEqual(await files(join(host.dir, 'data', 'pulls')), []);
}

async function containerIp(host: TestHost, id: string): Promise<string> {
  return host.dockerOk(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', id]);
}

test('TLS + auth registry: login, pull with progress, digests, run; no login, unknown tag, bad input and a tampered blob refused', { timeout: 240_000 }, async () => {
  const ca = await TestCa.create();
  const layout = await OciLayout.create();
  const certs = join(ca.dir, 'certs.d');
  try {
    await mkdir(join(certs, `${SECURE}:5000`), { recursive: true });
    await copyFile(ca.caFile, join(certs, `${SECURE}:5000`, 'ca.crt'));
    await withHost(async (host) => {
      await addAddress(host.netnsPath, `${SECURE}/32`);
      const registry = await TestRegistry.start({ netns: host.netnsPath, address: SECURE, tls: ca, users: [USER] });
      try {
        const names = await buildStandIns(layout);
        const digest = await pushImage(layout, names.nginx, registry, 'library/nginx:1.9.1', { format: 'v2s2' });
        const image = `${registry.address}/library/nginx:1.9.1`;

        const anonymous = await host.docker(['pull', image]);
        assert.equal(anonymous.code, 1);
        assert.match(anonymous.stderr, new RegExp(`pull access denied for ${registry.address}/library/nginx, repository does not exist or may require 'docker login'`));

        const badLogin = await host.docker(['login', registry.address, '-u', USER.username, '--password-stdin'], { input: 'wrong' });
        assert.notEqual(badLogin.code, 0);
        assert.match(badLogin.stderr, /401 Unauthorized/);
        const login = await host.docker(['login', registry.address, '-u', USER.username, '--password-stdin'], { input: USER.password });
        assert.equal(login.code, 0, login.stderr);
        assert.match(login.stdout, /Login Succeeded/);

        const pull = await host.docker(['pull', image], { timeoutMs: 120_000 });
        assert.equal(pull.code, 0, pull.stderr);
        const layers = await layout.layers(names.nginx);
        assert.match(pull.stdout, /^1\.9\.1: Pulling from library\/nginx$/m);
        for (const layer of layers) assert.match(pull.stdout, new RegExp(`^${layer.slice(7, 19)}: Pull complete$`, 'm'), `layer ${layer}`);
        assert.match(pull.stdout, new RegExp(`^Digest: ${digest}$`, 'm'));
        assert.match(pull.stdout, new RegExp(`^Status: Downloaded newer image for ${image.replace(/\./g, '\\.')}$`, 'm'));
        assert.match(await host.dockerOk(['images', '--digests', '--format', '{{.Repository}}:{{.Tag}} {{.Digest}}']), new RegExp(`${registry.address}/library/nginx:1\\.9\\.1 ${digest}`));
        const again = await host.dockerOk(['pull', image]);
        assert.match(again, new RegExp(`Status: Image is up to date for ${image.replace(/\./g, '\\.')}`));

        const id = await host.dockerOk(['run', '-d', image]);
        assert.equal((await httpGet(host.netnsPath, `http://${await containerIp(host, id)}:80/`)).stdout, NGINX_PAGE);
        await host.dockerOk(['rm', '-f', id]);

        const unknown = await host.docker(['pull', `${registry.address}/library/nginx:nope`]);
        assert.match(unknown.stderr, new RegExp(`manifest for ${registry.address}/library/nginx:nope not found: manifest unknown: manifest unknown`));
        for (const [query, message] of [['fromImage=Nginx', /invalid reference format/], ['fromImage=nginx&tag=a%20b', /invalid reference format/], ['fromImage=nginx&platform=windows%2Famd64', /operating system is not supported/]] as const) {
          const answer = await host.api('POST', `/images/create?${query}`);
          assert.equal(answer.status, 400, query);
          assert.match((JSON.parse(answer.body) as { message: string }).message, message);
        }
        const badAuth = await run(['curl', '-sS', '--unix-socket', host.socket, '-X', 'POST', '-H', 'X-Registry-Auth: %%%', '-w', '\n%{http_code}', `http://docker/images/create?fromImage=${image}`], { timeoutMs: 20_000 });
        assert.match(badAuth.stdout, /invalid X-Registry-Auth header[\s\S]*\n400$/);

        // The webapp's own layer changed in the registry's storage: skopeo's digest check refuses it.
        await pushImage(layout, names.webapp, registry, 'training/webapp:latest');
        const own = (await layout.layers(names.webapp)).at(-1)!;
        await writeFile(registry.blobPath(own), Buffer.alloc(4096, 1));
        const tampered = await host.docker(['pull', `${registry.address}/training/webapp`], { timeoutMs: 120_000 });
        assert.equal(tampered.code, 1);
        assert.match(`${tampered.stdout}${tampered.stderr}`, new RegExp(`filesystem layer verification failed for digest ${own}|Digest did not match`));
        assert.deepEqual((await host.dockerOk(['images', '--format', '{{.Repository}}'])).split('\n').sort(), [`${registry.address}/library/nginx`, 'busybox']);
        await assertPullsEmpty(host);
      } finally {
        await registry.stop();
      }
    }, { config: { 'certs-dirs': [certs], 'registry-timeout': 10 } });
  } finally {
    await layout.dispose();
    await ca.dispose();
  }
});

/** Runs `fn` with the test host's loopback limited to 8 Mbit/s (the registry is on it). */
async function throttle(host: TestHost, fn: () => Promise<void>): Promise<void> {
  await run(['ip', 'netns', 'exec', host.netns, 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'tbf', 'rate', '8mbit', 'burst', '256kb', 'latency', '500ms']);
  try {
    await fn();
  } finally {
    await run(['ip', 'netns', 'exec', host.netns, 'tc', 'qdisc', 'del', 'dev', 'lo', 'root'], { allowFailure: true });
  }
}

/** skopeo processes working for this host's daemon (their argv names its data directory). */
async function skopeoOf(host: TestHost): Promise<string> {
  return (await run(['pgrep', '-f', `skopeo.*${host.dir}`], { allowFailure: true })).stdout.trim();
}

/** The `skopeo copy` processes of this host (a pull also runs a short `inspect --config` beside its copy). */
async function copiesOf(host: TestHost): Promise<string[]> {
  const found = (await run(['pgrep', '-f', `skopeo .*${host.dir}.* copy `], { allowFailure: true })).stdout.trim();
  return found === '' ? [] : found.split('\n');
}

/**
 * Starts a pull through the API (curl, the stream to a file) and resolves once `text` shows in
 * what the daemon has streamed so far: the progress arrives while the pull runs. kill() ends the
 * client, the only one of that pull.
 */
async function pullUntil(host: TestHost, image: string, text: RegExp): Promise<{ streamed: () => Promise<string>; kill: () => Promise<void> }> {
  const logFile = join(host.dir, `pull-${Date.now()}.log`);
  const child = startProcess(['curl', '-sS', '-N', '--unix-socket', host.socket, '-X', 'POST', `http://docker/images/create?fromImage=${encodeURIComponent(image)}`], { logFile });
  const streamed = (): Promise<string> => readFile(logFile, 'utf8').catch(() => '');
  const deadline = Date.now() + 30_000;
  while (!text.test(await streamed())) {
    if (Date.now() > deadline) throw new Error(`the pull never streamed ${text}:\n${await streamed()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { streamed, kill: () => child.stop(1_000).then(() => undefined) };
}

test('mirror for docker.io: the seed\'s run pulls through it; a base layer is fetched once, by later and by concurrent pulls', { timeout: 300_000 }, async () => {
  const layout = await OciLayout.create();
  try {
    await withHost(async (host) => {
      await addAddress(host.netnsPath, `${PLAIN}/32`);
      const registry = await TestRegistry.start({ netns: host.netnsPath, address: PLAIN });
      try {
        const names = await buildStandIns(layout);
        await pushImage(layout, names.nginx, registry, 'library/nginx:1.9.1');
        await pushImage(layout, names.webapp, registry, 'training/webapp:latest');
        const base = (await layout.layers(names.base))[0]!;

        const run1 = await host.docker(['run', '-d', '-P', '--net=bridge', 'nginx:1.9.1'], { timeoutMs: 120_000 });
        assert.equal(run1.code, 0, run1.stderr);
        assert.match(run1.stderr, /Unable to find image 'nginx:1\.9\.1' locally/);
        const id = run1.stdout.trim().split('\n').at(-1)!;
        assert.equal((await httpGet(host.netnsPath, `http://${await containerIp(host, id)}:80/`)).stdout, NGINX_PAGE);
        assert.equal(await registry.blobGets(base), 1);

        // webapp shares nginx's base, which the store keeps: the base is not fetched again.
        const webapp = await host.docker(['run', '-d', '-P', 'training/webapp', 'python', 'app.py'], { timeoutMs: 120_000 });
        assert.equal(webapp.code, 0, webapp.stderr);
        const webId = webapp.stdout.trim().split('\n').at(-1)!;
        assert.match((await httpGet(host.netnsPath, `http://${await containerIp(host, webId)}:5000/`)).stdout, new RegExp(WEBAPP_TEXT));
        assert.equal(await registry.blobGets(base), 1, 'base layer downloaded once');
        await assertPullsEmpty(host);

        // Two pulls at once of two new images on one new base: its blob is fetched once.
        await layout.image('base2', { layers: [{ kind: 'random', bytes: 4_000_000 }] });
        await layout.image('one', { from: 'base2', layers: [{ kind: 'files', files: { one: '1' } }] });
        await layout.image('two', { from: 'base2', layers: [{ kind: 'files', files: { two: '2' } }] });
        await pushImage(layout, 'one', registry, 'team/one:1');
        await pushImage(layout, 'two', registry, 'team/two:1');
        const base2 = (await layout.layers('base2'))[0]!;
        const both = await Promise.all([host.docker(['pull', 'team/one:1'], { timeoutMs: 120_000 }), host.docker(['pull', 'team/two:1'], { timeoutMs: 120_000 })]);
        for (const result of both) assert.equal(result.code, 0, result.stderr);
        assert.equal(await registry.blobGets(base2), 1, 'concurrent pulls fetched the shared base once');
        await assertPullsEmpty(host);
      } finally {
        await registry.stop();
      }
    }, { config: { 'registry-mirrors': [`http://${PLAIN}:5000`], 'registry-timeout': 3 } });
  } finally {
    await layout.dispose();
  }
});

test('a silent registry fails the pull within registry-timeout; a pull whose client is killed halfway, or whose daemon is killed -9, leaves no image and no blob; one of two clients leaving doesn\'t cancel', { timeout: 240_000 }, async () => {
  const layout = await OciLayout.create();
  try {
    await withHost(async (host) => {
      await addAddress(host.netnsPath, `${PLAIN}/32`);
      // Accepts the connection and never answers.
      const server = `require('net').createServer(() => undefined).listen(5009, '${PLAIN}')`;
      const silent = startProcess(['nsenter', `--net=${host.netnsPath}`, '--', process.execPath, '-e', server], { logFile: join(host.dir, 'silent.log') });
      try {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const started = Date.now();
        const slow = await host.docker(['pull', `${PLAIN}:5009/x:1`], { timeoutMs: 30_000 });
        const elapsed = Date.now() - started;
        assert.equal(slow.code, 1);
        assert.match(slow.stderr, /did not answer within 3s \(registry-timeout\)/);
        assert.ok(elapsed < 3_000 + 8_000, `failed after ${elapsed} ms`);
      } finally {
        await silent.stop(1_000);
      }

      const registry = await TestRegistry.start({ netns: host.netnsPath, address: PLAIN });
      try {
        await layout.image('big', { layers: [{ kind: 'random', bytes: 12_000_000 }] });
        await pushImage(layout, 'big', registry, 'team/big:1');
        const blob = (await layout.layers('big'))[0]!;
        const image = `${PLAIN}:5000/team/big:1`;
        const downloading = /"status":"Downloading","progressDetail":\{"current":[1-9]\d*,"total":\d+\}/;
        // 12 MB at 8 Mbit/s: the pull is still downloading when its client is killed.
        await throttle(host, async () => {
          const pulling = await pullUntil(host, image, downloading);
          assert.match(await pulling.streamed(), new RegExp(`"status":"Pulling fs layer","progressDetail":\\{\\},"id":"${blob.slice(7, 19)}"`));
          await pulling.kill();
          await new Promise((resolve) => setTimeout(resolve, 1_500));
        });
        assert.deepEqual((await host.dockerOk(['images', '--format', '{{.Repository}}'])).split('\n'), ['busybox']);
        assert.equal(await skopeoOf(host), '', 'skopeo was killed');
        await assertPullsEmpty(host);

        // kill -9 of the daemon mid-pull: the skopeo it leaves behind can't store anything, and a
        // restart leaves no file of the pull.
        await throttle(host, async () => {
          const pulling = await pullUntil(host, image, downloading);
          await host.kill();
          await pulling.kill();
        });
        await host.start();
        for (let waited = 0; (await skopeoOf(host)) !== '' && waited < 30_000; waited += 200) await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(await skopeoOf(host), '', 'the orphaned skopeo ended');
        assert.deepEqual((await host.dockerOk(['images', '--format', '{{.Repository}}'])).split('\n'), ['busybox']);
        await assertPullsEmpty(host);
        const kept = await files(join(host.dir, 'data', 'images'));
        assert.equal(kept.some((file) => file.includes(blob.slice(7))), false, 'no blob of the killed pulls after a restart');

        // Two clients of one pull: the first leaving doesn't cancel it for the second.
        let second: Awaited<ReturnType<typeof pullUntil>> | undefined;
        await throttle(host, async () => {
          const first = await pullUntil(host, image, downloading);
          second = await pullUntil(host, image, /Pulling fs layer/);
          assert.equal((await copiesOf(host)).length, 1, 'the second client joined the running pull');
          await first.kill();
        });
        for (let waited = 0; !/Status: Downloaded newer image/.test(await second!.streamed()) && waited < 60_000; waited += 200) await new Promise((resolve) => setTimeout(resolve, 200));
        assert.doesNotMatch(await second!.streamed(), /"status":"Waiting"/);
        assert.match(await second!.streamed(), new RegExp(`Status: Downloaded newer image for ${image.replace(/\./g, '\\.')}`));
        assert.match(await host.dockerOk(['images', '--format', '{{.Repository}}:{{.Tag}}']), new RegExp(`${PLAIN}:5000/team/big:1`));
        await second!.kill();
      } finally {
        await registry.stop();
      }
    }, { config: { 'registry-timeout': 3, 'insecure-registries': [`${PLAIN}:5000`] } });
  } finally {
    await layout.dispose();
  }
});
