/**
 * Issue 13 item 4 end to end at the kernel level, with the policy engine's compile side played by
 * the test: namespaces for a client, a "host" (router, conet's resolver, `inet conet` with the
 * seam's sets fqdn4_p1/fqdn6_p1 and a forward chain that lets the client reach only their
 * addresses on port 80), an upstream DNS server and two HTTP servers. What is under test is the
 * resolver side: wget of an allowed name works the first time; a blocked name, its IP literal and
 * the allowed address after its TTL (no new lookup) are refused; the element leaves the set at
 * expiry; rebinding answers are returned but not added; egress-dns=nxdomain answers NXDOMAIN.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPiped, type PipedProcess } from '../../src/exec/index.js';
import { addVethPair, execIn, ipBatch, NetnsSandbox, setSysctl, type Netns } from '../helpers/netns.js';

const HARNESS = join(fileURLToPath(import.meta.url), '..', '..', 'helpers', 'fqdn-harness.js');
const RECORDS = {
  'allowed.test': ['10.79.0.2', 1],
  'blocked.test': ['10.79.0.3', 60],
  'rebind.allowed.test': ['127.0.0.1', 60],
  'self.allowed.test': ['10.77.0.1', 60],
  'meta.allowed.test': ['169.254.169.254', 60],
};
const RULES = `table inet conet {
  set fqdn4_p1 { type ipv4_addr; flags timeout; }
  set fqdn6_p1 { type ipv6_addr; flags timeout; }
  chain forward {
    type filter hook forward priority 0; policy accept;
    iifname "hc" ct state established,related accept
    iifname "hc" ip daddr @fqdn4_p1 tcp dport 80 accept
    iifname "hc" ip6 daddr @fqdn6_p1 tcp dport 80 accept
    iifname "hc" drop
  }
}`;

async function start(ns: Netns, mode: string, options: object, started: PipedProcess[]): Promise<PipedProcess> {
  const child = startPiped(['nsenter', `--net=${ns.path}`, '--', process.execPath, HARNESS, mode, JSON.stringify(options)], { stdin: 'ignore', stderr: 'ignore' });
  started.push(child);
  child.stdout?.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${mode} not ready within 10 s`)), 10_000);
    child.stdout?.on('data', (chunk: string) => chunk.includes('ready') && (clearTimeout(timer), resolve()));
    void child.exited.then((code) => reject(new Error(`${mode} exited with ${code}`)));
  });
  return child;
}

async function wire(namespaces: NetnsSandbox): Promise<Record<'host' | 'client' | 'upstream' | 'web', Netns>> {
  const [host, client, upstream, web] = await Promise.all(['host', 'client', 'up', 'web'].map((role) => namespaces.create(role))) as [Netns, Netns, Netns, Netns];
  await addVethPair(host, 'hc', { ns: client, name: 'eth0' });
  await addVethPair(host, 'hu', { ns: upstream, name: 'eth0' });
  await addVethPair(host, 'hw', { ns: web, name: 'eth0' });
  await ipBatch(host, ['addr add 10.77.0.1/24 dev hc', 'addr add 10.78.0.1/24 dev hu', 'addr add 10.79.0.1/24 dev hw', 'link set hc up', 'link set hu up', 'link set hw up']);
  await ipBatch(client, ['addr add 10.77.0.2/24 dev eth0', 'link set eth0 up', 'route add default via 10.77.0.1']);
  await ipBatch(upstream, ['addr add 10.78.0.2/24 dev eth0', 'link set eth0 up', 'route add default via 10.78.0.1']);
  await ipBatch(web, ['addr add 10.79.0.2/24 dev eth0', 'addr add 10.79.0.3/24 dev eth0', 'link set eth0 up', 'route add default via 10.79.0.1']);
  await setSysctl(host, 'net.ipv4.ip_forward', '1');
  await execIn(host, ['nft', '-f', '-'], { input: RULES });
  return { host, client, upstream, web };
}

test('FQDN allow-list through the resolver: first try works, the rest refused, expiry, rebinding, nxdomain', { timeout: 90_000 }, async () => {
  const namespaces = new NetnsSandbox('conet-t-fqdn');
  const started: PipedProcess[] = [];
  let etcDir: string | undefined;
  try {
    const { host, client, upstream, web } = await wire(namespaces);
    etcDir = join('/etc/netns', client.name);
    await mkdir(etcDir, { recursive: true });
    await writeFile(join(etcDir, 'resolv.conf'), 'nameserver 10.77.0.1\noptions timeout:1 attempts:1\n');
    const resolverOptions = { listen: '10.77.0.1', upstream: '10.78.0.2', clientAddress: '10.77.0.2', minTtl: 2, patterns: ['allowed.test', '*.allowed.test'], nxdomain: false };
    await Promise.all([
      start(upstream, 'upstream', { records: RECORDS }, started),
      start(web, 'http', { address: '10.79.0.2', body: 'allowed' }, started),
      start(web, 'http', { address: '10.79.0.3', body: 'blocked' }, started),
    ]);
    const resolver = await start(host, 'resolver', resolverOptions, started);
    const inClient = (argv: string[], seconds: number) => execIn(client, ['timeout', String(seconds), ...argv], { allowFailure: true });
    const wget = (url: string, seconds = 1) => inClient(['busybox', 'wget', '-q', '-O', '-', url], seconds);
    const lookup = async (name: string) => (await inClient(['busybox', 'nslookup', name, '10.77.0.1'], 2)).stdout;
    const set = async () => (await execIn(host, ['nft', 'list', 'set', 'inet', 'conet', 'fqdn4_p1'])).stdout;

    // The first connection after the lookup succeeds: the address was in the set before the answer.
    const first = await wget('http://allowed.test/', 3);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.trim(), 'allowed');
    assert.match(await set(), /10\.79\.0\.2 timeout 2s/);

    // Refused, in parallel with 1 s probes: a name outside the list (it still resolves), the IP
    // literal of its server; the server itself answers from elsewhere (the host), so it is the policy.
    const [blocked, literal, fromHost, blockedName] = await Promise.all([
      wget('http://blocked.test/'),
      wget('http://10.79.0.3/'),
      execIn(host, ['timeout', '2', 'busybox', 'wget', '-q', '-O', '-', 'http://10.79.0.3/'], { allowFailure: true }),
      lookup('blocked.test'),
    ]);
    assert.notEqual(blocked.code, 0);
    assert.notEqual(literal.code, 0);
    assert.equal(fromHost.stdout.trim(), 'blocked');
    assert.match(blockedName, /10\.79\.0\.3/);

    // Rebinding: the answers go back unchanged, nothing is added.
    const rebinds = await Promise.all(['rebind.allowed.test', 'self.allowed.test', 'meta.allowed.test'].map(lookup));
    assert.match(rebinds[0] ?? '', /127\.0\.0\.1/);
    assert.match(rebinds[1] ?? '', /10\.77\.0\.1/);
    assert.match(rebinds[2] ?? '', /169\.254\.169\.254/);
    const listed = await set();
    assert.doesNotMatch(listed, /127\.0\.0\.1|10\.77\.0\.1|169\.254\.169\.254|10\.79\.0\.3/);

    // TTL 1 s floored at fqdn-min-ttl 2 s: then the element is gone and the address refused.
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    assert.doesNotMatch(await set(), /10\.79\.0\.2/);
    assert.notEqual((await wget('http://10.79.0.2/')).code, 0);
    // A new lookup lets it in again.
    assert.equal((await wget('http://allowed.test/', 3)).stdout.trim(), 'allowed');

    // conet.egress-dns=nxdomain: names outside the list are NXDOMAIN, allowed ones resolve.
    resolver.signal('SIGTERM');
    await resolver.exited;
    await start(host, 'resolver', { ...resolverOptions, nxdomain: true }, started);
    const [nx, ok] = await Promise.all([lookup('blocked.test'), lookup('allowed.test')]);
    assert.doesNotMatch(nx, /10\.79\.0\.3/);
    assert.match(nx, /NXDOMAIN|can't resolve|not found/i);
    assert.match(ok, /10\.79\.0\.2/);
  } finally {
    for (const child of started) child.signal('SIGKILL');
    await Promise.all(started.map((child) => child.exited));
    if (etcDir) await rm(etcDir, { recursive: true, force: true });
    await namespaces.cleanup();
  }
});
