/**
 * Published ports on the real kernel, with real HTTP. Throwaway namespaces only:
 *
 *   outside 10.251.0.2/30 --veth-- host 10.251.0.1/30 (vout)
 *                                  host br-p 10.60.0.1/24 --veth-- c1 10.60.0.2 (httpd :80 "c1")
 *                                                         --veth-- c2 10.60.0.3 (httpd :80 "c2")
 *
 * The host gets buildRuleset with 8080 -> c1:80 and 8081 -> c2:80 plus publishedPortSysctls,
 * with br_netfilter off (bridge-nf-call-iptables=0) to show hairpin needs none of it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startProcess, type ProcessHandle } from '../../src/exec/index.js';
import {
  addPortsScript, buildRuleset, publishedPortSysctls, removePortsScript, type FirewallNetwork, type PortMapping,
} from '../../src/firewall/index.js';
import { LinuxNftables } from '../../src/kernel/linux/nft.js';
import { addVethPair, execIn, ipBatch, NetnsSandbox, setSysctl, type Netns } from '../helpers/netns.js';

const TABLE = 'conet';
const nft = new LinuxNftables();
const network: FirewallNetwork = {
  id: randomBytes(32).toString('hex'), bridge: 'br-p', subnets4: ['10.60.0.0/24'], subnets6: [],
  masquerade: true, icc: true, internal: false,
};
const HOST = '10.251.0.1';
const port = (hostPort: number, containerAddress: string): PortMapping => ({
  networkId: network.id, bridge: network.bridge, containerAddress, protocol: 'tcp', hostIp: '0.0.0.0', hostPort, containerPort: 80,
});
const C1 = '10.60.0.2';
const C2 = '10.60.0.3';

const sandbox = new NetnsSandbox('conet-t-ports');
const servers: ProcessHandle[] = [];
let webRoot = '';
let host: Netns;
let outside: Netns;
let c1: Netns;
let c2: Netns;

/** The page body, or null when nothing answered within 5 s. */
async function fetchFrom(ns: Netns, url: string): Promise<string | null> {
  const result = await execIn(ns, ['timeout', '5', 'busybox', 'wget', '-qO-', url], { allowFailure: true, timeoutMs: 10_000 });
  return result.code === 0 ? result.stdout.trim() : null;
}

function serve(ns: Netns, name: string): void {
  const root = mkdtempSync(join(webRoot, `${name}-`));
  writeFileSync(join(root, 'index.html'), `${name}\n`);
  servers.push(startProcess(['nsenter', `--net=${ns.path}`, '--', 'busybox', 'httpd', '-f', '-p', '80', '-h', root]));
}

async function waitForServer(address: string): Promise<void> {
  for (let attempt = 0; attempt < 30; attempt += 1) {
    if ((await fetchFrom(host, `http://${address}/`)) !== null) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`httpd on ${address} never answered`);
}

async function buildTopology(): Promise<void> {
  webRoot = mkdtempSync(join(tmpdir(), 'conet-ports-'));
  host = await sandbox.create('host');
  outside = await sandbox.create('out');
  c1 = await sandbox.create('c1');
  c2 = await sandbox.create('c2');
  await addVethPair(host, 'vout', { ns: outside, name: 'eth0' });
  await ipBatch(host, [`addr add ${HOST}/30 dev vout`, 'link set vout up', 'link add br-p type bridge', 'addr add 10.60.0.1/24 dev br-p', 'link set br-p up']);
  await ipBatch(outside, ['addr add 10.251.0.2/30 dev eth0', 'link set eth0 up', `route add default via ${HOST}`]);
  for (const [ns, address, veth] of [[c1, C1, 'vc1'], [c2, C2, 'vc2']] as const) {
    await addVethPair(host, veth, { ns, name: 'eth0' });
    await ipBatch(host, [`link set ${veth} master br-p`, `link set ${veth} up`]);
    await ipBatch(ns, [`addr add ${address}/24 dev eth0`, 'link set eth0 up', 'route add default via 10.60.0.1']);
  }
  await execIn(host, ['sysctl', '-qw', 'net.bridge.bridge-nf-call-iptables=0'], { allowFailure: true });
  for (const setting of publishedPortSysctls([network.bridge])) await setSysctl(host, setting.key, setting.value);
  serve(c1, 'c1');
  serve(c2, 'c2');
  await waitForServer(C1);
  await waitForServer(C2);
}

async function elementsOf(map: string): Promise<string> {
  const { stdout } = await execIn(host, ['nft', 'list', 'map', 'inet', TABLE, map]);
  return stdout;
}

describe('published ports on the real kernel', { timeout: 240_000 }, () => {
  before(async () => {
    try {
      await buildTopology();
    } catch (error) {
      await cleanup();
      throw error;
    }
  });
  after(cleanup);

  it('without our table nothing answers on the host ports', async () => {
    assert.equal(await fetchFrom(outside, `http://${HOST}:8080/`), null);
  });

  it('applies the ruleset with two published ports', async () => {
    await nft.apply(buildRuleset({ table: TABLE, networks: [network], ports: [port(8080, C1), port(8081, C2)] }), { netns: host.path });
    assert.match(await elementsOf('ports4-any'), /tcp \. 8081 : 10\.60\.0\.3 \. 80/);
  });

  it('(a) answers from outside on the host address', async () => {
    assert.equal(await fetchFrom(outside, `http://${HOST}:8080/`), 'c1');
    assert.equal(await fetchFrom(outside, `http://${HOST}:8081/`), 'c2');
  });

  it('keeps unpublished container ports closed to the outside', async () => {
    await execIn(outside, ['ip', 'route', 'add', '10.60.0.0/24', 'via', HOST]);
    assert.equal(await fetchFrom(outside, `http://${C1}:80/`), null);
  });

  it('(b) answers from the host on 127.0.0.1 and on its own address', async () => {
    assert.equal(await fetchFrom(host, 'http://127.0.0.1:8080/'), 'c1');
    assert.equal(await fetchFrom(host, `http://${HOST}:8081/`), 'c2');
  });

  it('(c) answers a container on its own port and a neighbour\'s (hairpin), via host address and gateway', async () => {
    assert.equal(await fetchFrom(c1, `http://${HOST}:8080/`), 'c1');
    assert.equal(await fetchFrom(c1, `http://${HOST}:8081/`), 'c2');
    assert.equal(await fetchFrom(c2, 'http://10.60.0.1:8080/'), 'c1');
  });

  it('owes hairpin and localhost to their masquerade rules (each path fails without its rule)', async () => {
    const deleteRule = async (pattern: RegExp): Promise<void> => {
      const { stdout } = await execIn(host, ['nft', '-a', 'list', 'chain', 'inet', TABLE, 'nat-postrouting']);
      const handle = stdout.split('\n').find((line) => pattern.test(line))?.match(/# handle (\d+)/)?.[1];
      assert.ok(handle, `no rule matching ${pattern}`);
      await execIn(host, ['nft', 'delete', 'rule', 'inet', TABLE, 'nat-postrouting', 'handle', handle]);
    };
    try {
      await deleteRule(/ct status dnat .*masquerade/);
      assert.equal(await fetchFrom(c1, `http://${HOST}:8081/`), null, 'hairpin without masquerade');
      await deleteRule(/127\.0\.0\.0\/8 masquerade/);
      assert.equal(await fetchFrom(host, 'http://127.0.0.1:8080/'), null, 'localhost without masquerade');
    } finally {
      // A rebuild from the same state restores both rules.
      await nft.apply(buildRuleset({ table: TABLE, networks: [network], ports: [port(8080, C1), port(8081, C2)] }), { netns: host.path });
    }
    assert.equal(await fetchFrom(c1, `http://${HOST}:8081/`), 'c2');
    assert.equal(await fetchFrom(host, 'http://127.0.0.1:8080/'), 'c1');
  });

  it('(d) stops answering once a port is removed, idempotently, and nft has no element for it', async () => {
    const script = removePortsScript(TABLE, [port(8081, C2)]);
    await nft.apply(script, { netns: host.path });
    await nft.apply(script, { netns: host.path });
    assert.equal(await fetchFrom(outside, `http://${HOST}:8081/`), null);
    assert.equal(await fetchFrom(host, 'http://127.0.0.1:8081/'), null);
    assert.doesNotMatch(await elementsOf('ports4-any'), /8081/);
    assert.equal(await fetchFrom(outside, `http://${HOST}:8080/`), 'c1', '8080 unaffected');
  });

  it('refuses, in the kernel, a host port that already points elsewhere', async () => {
    await assert.rejects(nft.apply(addPortsScript(TABLE, [port(8080, C2)]), { netns: host.path }), { code: 'nft-failed', message: /File exists/ });
    assert.equal(await fetchFrom(outside, `http://${HOST}:8080/`), 'c1');
  });

  it('(e) adds 1,000 ports in one transaction, then the 1,001st still answers', async (t) => {
    const timeAdd = async (mapping: PortMapping): Promise<number> => {
      const started = performance.now();
      await nft.apply(addPortsScript(TABLE, [mapping]), { netns: host.path });
      return performance.now() - started;
    };
    const first = await timeAdd(port(9000, C2));
    const thousand = Array.from({ length: 1000 }, (_, index) => port(20_000 + index, index % 2 === 0 ? C1 : C2));
    const started = performance.now();
    await nft.apply(addPortsScript(TABLE, thousand), { netns: host.path });
    t.diagnostic(`1,000 elements in one transaction: ${(performance.now() - started).toFixed(1)} ms`);
    const later = await timeAdd(port(30_000, C2));
    t.diagnostic(`add one element: with 2 present ${first.toFixed(1)} ms, with 1,002 present ${later.toFixed(1)} ms (manual measurement, not asserted)`);
    assert.equal(await fetchFrom(outside, `http://${HOST}:30000/`), 'c2');
    assert.equal(await fetchFrom(outside, `http://${HOST}:20998/`), 'c1');
    assert.equal(await fetchFrom(c1, `http://${HOST}:20999/`), 'c2');
  });
});

async function cleanup(): Promise<void> {
  const errors: unknown[] = [];
  for (const server of servers.splice(0)) {
    try {
      await server.stop(2_000);
    } catch (error) {
      errors.push(error);
    }
  }
  try {
    await sandbox.cleanup();
  } catch (error) {
    errors.push(error);
  }
  if (webRoot !== '') rmSync(webRoot, { recursive: true, force: true });
  if (errors.length > 0) throw new AggregateError(errors, 'ports test cleanup failed');
}
