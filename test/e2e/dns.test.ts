/**
 * Embedded DNS on user-defined networks with the real docker CLI and real traffic (issue 4, item
 * 1): names, aliases, short ids, hostnames and PTR from containers sharing a network; nothing
 * from the default bridge or another network; names following connect/disconnect and stop/start;
 * a container that binds :53 itself; forwarding with failover and TCP fallback to a fake upstream
 * in the test host's namespace; internal networks with names but no forwarding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, startProcess, type ProcessHandle } from '../../src/exec/index.js';
import { delay, withHost, type TestHost } from '../helpers/host.js';
import { standInImages } from '../helpers/images.js';

const FAKE_UPSTREAM = resolve(fileURLToPath(import.meta.url), '../../helpers/fake-upstream.js');
const UPSTREAM = '10.53.0.1';
const DEAD_UPSTREAM = '10.53.0.9';

async function ok(host: TestHost, args: string[]): Promise<string> {
  const result = await host.docker(args);
  assert.equal(result.code, 0, `docker ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

async function fails(host: TestHost, args: string[]): Promise<void> {
  const result = await host.docker(args);
  assert.notEqual(result.code, 0, `docker ${args.join(' ')} should have failed:\n${result.stdout}`);
}

/** The three lookups of the acceptance, from a command prefix (run --rm or exec). */
async function reaches(host: TestHost, prefix: string[]): Promise<void> {
  assert.match(await ok(host, [...prefix, 'ping', '-c1', '-W2', 'web']), /1 packets received/);
  assert.match(await ok(host, [...prefix, 'timeout', '5', 'wget', '-qO-', 'http://web/']), /Welcome to nginx/);
  assert.match(await ok(host, [...prefix, 'nslookup', 'web-alias', '127.0.0.11']), /Name:\s+web-alias\nAddress: 172\.\d+\.0\.2/);
}

async function doesNotReach(host: TestHost, prefix: string[]): Promise<void> {
  await fails(host, [...prefix, 'ping', '-c1', '-W2', 'web']);
  await fails(host, [...prefix, 'nslookup', 'web-alias', '127.0.0.11']);
}

test('names on a shared user-defined network: container, alias, short id, hostname, PTR; not across networks', { timeout: 300_000 }, async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await ok(host, ['network', 'create', 'a']);
    await ok(host, ['network', 'create', 'b']);
    await ok(host, ['run', '-d', '--name', 'web', '--hostname', 'webhost', '--network', 'a', '--network-alias', 'web-alias', 'nginx']);
    const aliases = JSON.parse(await ok(host, ['inspect', '-f', '{{json .NetworkSettings.Networks.a.Aliases}}', 'web'])) as string[];
    assert.ok(aliases.includes('web-alias'), `aliases: ${aliases.join(',')}`);
    const address = (await ok(host, ['inspect', '-f', '{{.NetworkSettings.Networks.a.IPAddress}}', 'web'])).trim();
    const shortId = (await ok(host, ['inspect', '-f', '{{.Id}}', 'web'])).trim().slice(0, 12);

    const onA = ['run', '--rm', '--network', 'a', 'busybox'];
    assert.equal(await ok(host, [...onA, 'cat', '/etc/resolv.conf']), 'nameserver 127.0.0.11\noptions ndots:0\n');
    await reaches(host, onA);
    for (const name of [shortId, 'webhost', 'web.a']) {
      assert.match(await ok(host, [...onA, 'nslookup', name, '127.0.0.11']), new RegExp(`Address: ${address.replaceAll('.', '\\.')}`), name);
    }
    assert.match(await ok(host, [...onA, 'nslookup', address, '127.0.0.11']), /name = web\.a/);
    // A container in web's namespace shares its resolver.
    const joined = ['run', '--rm', '--network', 'container:web', 'busybox'];
    assert.match(await ok(host, [...joined, 'cat', '/etc/resolv.conf']), /^nameserver 127\.0\.0\.11$/m);
    assert.match(await ok(host, [...joined, 'nslookup', 'web-alias', '127.0.0.11']), /Address: 172\./);

    // The default bridge has no embedded DNS; network b shares nothing with web.
    assert.doesNotMatch(await ok(host, ['run', '--rm', 'busybox', 'cat', '/etc/resolv.conf']), /127\.0\.0\.11/);
    await fails(host, ['run', '--rm', 'busybox', 'ping', '-c1', '-W2', 'web']);
    await doesNotReach(host, ['run', '--rm', '--network', 'b', 'busybox']);

    // Names follow connect and disconnect of a running container.
    await ok(host, ['run', '-d', '--name', 'c2', '--network', 'b', 'busybox', 'sleep', '300']);
    await doesNotReach(host, ['exec', 'c2']);
    await ok(host, ['network', 'connect', 'a', 'c2']);
    await reaches(host, ['exec', 'c2']);
    await ok(host, ['network', 'disconnect', 'a', 'c2']);
    await doesNotReach(host, ['exec', 'c2']);
    // ... and c2's own name on b still resolves for its neighbours there.
    assert.match(await ok(host, ['run', '--rm', '--network', 'b', 'busybox', 'nslookup', 'c2', '127.0.0.11']), /Name:\s+c2/);

    // A default-bridge container connected to a switches to the embedded resolver, as in Docker.
    await ok(host, ['run', '-d', '--name', 'c3', 'busybox', 'sleep', '300']);
    await ok(host, ['network', 'connect', 'a', 'c3']);
    assert.match(await ok(host, ['exec', 'c3', 'cat', '/etc/resolv.conf']), /^nameserver 127\.0\.0\.11$/m);
    await reaches(host, ['exec', 'c3']);

    // Names follow stop and start.
    await ok(host, ['stop', '-t', '1', 'web']);
    await fails(host, [...onA, 'nslookup', 'web', '127.0.0.11']);
    await ok(host, ['start', 'web']);
    await reaches(host, onA);
  });
});

test('a container binding 0.0.0.0:53 itself still resolves; TCP queries reach the resolver; restarts keep names', { timeout: 300_000 }, async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await ok(host, ['network', 'create', 'a']);
    await ok(host, ['run', '-d', '--name', 'web', '--network', 'a', '--network-alias', 'web-alias', 'nginx']);
    await ok(host, ['run', '-d', '--name', 'own53', '--network', 'a', 'busybox', 'sleep', '300']);
    // A DNS server of the container's own on 0.0.0.0:53, UDP and TCP, in its namespace: it would
    // answer 10.123.45.67 to everything if a query to 127.0.0.11 ever reached it.
    const pid = (await ok(host, ['inspect', '-f', '{{.State.Pid}}', 'own53'])).trim();
    const log = join(host.dir, 'own53-dns.log');
    const own = startProcess(['nsenter', '-t', pid, '-n', '--', process.execPath, FAKE_UPSTREAM, '0.0.0.0'], { logFile: log });
    try {
      await waitReady(log);
      const listening = await ok(host, ['exec', 'own53', 'netstat', '-lnut']);
      assert.match(listening, /udp\s.*0\.0\.0\.0:53\s/);
      assert.match(listening, /tcp\s.*0\.0\.0\.0:53\s/);
      await reaches(host, ['exec', 'own53']);
      // TCP through 127.0.0.11:53 from inside the container's namespace, past its own :53 listener.
      const viaTcp = await run(['nsenter', '-t', pid, '-n', process.execPath, FAKE_UPSTREAM, 'query', '127.0.0.11', 'web', 'tcp'], { timeoutMs: 15_000 });
      assert.match(viaTcp.stdout, /^rcode 0 tc false\n172\.\d+\.0\.2\n$/);
      // Never an open resolver: nothing listens in the host's namespace, neither on 53 nor on the
      // resolver's port (its listeners are inside the containers).
      const port = /"msg":"embedded dns ready","port":(\d+)/.exec(await host.log())?.[1];
      assert.ok(port, 'the daemon logs its resolver port');
      const hostListening = await run(['nsenter', `--net=${host.netnsPath}`, 'ss', '-Hlnut'], { timeoutMs: 15_000 });
      assert.doesNotMatch(hostListening.stdout, new RegExp(`:(53|${port})\\s`), hostListening.stdout);
      for (const transport of ['udp', 'tcp']) {
        const stranger = await run(['nsenter', `--net=${host.netnsPath}`, process.execPath, FAKE_UPSTREAM, 'query', `127.0.0.1:${port}`, 'web', transport], { allowFailure: true, timeoutMs: 15_000 });
        assert.notEqual(stranger.code, 0, `${transport}: ${stranger.stdout}`);
      }
    } finally {
      await own.stop(2_000);
    }
    // Running containers keep resolving across a daemon restart and a crash (the port is kept).
    await host.restart();
    await reaches(host, ['exec', 'own53']);
    await host.restart({ crash: true });
    await reaches(host, ['exec', 'own53']);
  });
});

async function startFakeUpstream(host: TestHost): Promise<ProcessHandle> {
  await host.ip(['addr', 'add', `${UPSTREAM}/24`, 'dev', 'lo']);
  const log = join(host.dir, 'fake-upstream.log');
  const upstream = startProcess(['nsenter', `--net=${host.netnsPath}`, '--', process.execPath, FAKE_UPSTREAM, UPSTREAM], { logFile: log });
  try {
    await waitReady(log);
    return upstream;
  } catch (error) {
    await upstream.stop(1_000);
    throw error;
  }
}

async function waitReady(log: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if ((await readFile(log, 'utf8').catch(() => '')).includes('ready')) return;
    await delay(50);
  }
  throw new Error(`fake DNS server did not start: ${await readFile(log, 'utf8').catch(() => '')}`);
}

test('forwarding to --dns upstreams with failover and TCP fallback; internal networks get names only', { timeout: 300_000 }, async () => {
  await withHost(async (host) => {
    await standInImages(host);
    const upstream = await startFakeUpstream(host);
    try {
      await ok(host, ['network', 'create', 'a']);
      const dns = ['--dns', DEAD_UPSTREAM, '--dns', UPSTREAM];
      const forwarded = await ok(host, ['run', '--rm', '--network', 'a', ...dns, 'busybox', 'nslookup', 'example.test', '127.0.0.11']);
      assert.match(forwarded, /Address: 10\.123\.45\.67/);
      // Truncated upstream answer: the resolver retries over TCP, then tells a UDP client to use TCP.
      await ok(host, ['run', '-d', '--name', 'asker', '--network', 'a', ...dns, 'busybox', 'sleep', '300']);
      const pid = (await ok(host, ['inspect', '-f', '{{.State.Pid}}', 'asker'])).trim();
      const query = (name: string, transport: string) =>
        run(['nsenter', '-t', pid, '-n', process.execPath, FAKE_UPSTREAM, 'query', '127.0.0.11', name, transport], { timeoutMs: 15_000 });
      assert.match((await query('big.example.test', 'udp')).stdout, /^rcode 0 tc true\n$/);
      const overTcp = (await query('big.example.test', 'tcp')).stdout.trim().split('\n');
      assert.equal(overTcp[0], 'rcode 0 tc false');
      assert.equal(overTcp.length, 41);
      assert.equal(overTcp[1], '10.123.45.67');

      await ok(host, ['network', 'create', '--internal', 'inside']);
      await ok(host, ['run', '-d', '--name', 'inweb', '--network', 'inside', 'nginx']);
      const onInside = ['run', '--rm', '--network', 'inside', ...dns, 'busybox'];
      assert.match(await ok(host, [...onInside, 'nslookup', 'inweb', '127.0.0.11']), /Name:\s+inweb/);
      await fails(host, [...onInside, 'nslookup', 'example.test', '127.0.0.11']);
    } finally {
      await upstream.stop(2_000);
    }
  });
});
