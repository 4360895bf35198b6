/**
 * Connectivity matrix (issue 4, item 2) with the real docker CLI: containers on user networks
 * `a` and `b`, one on both, one on the default bridge, two on an `--internal` network, two on an
 * `enable_icc=false` network, and an HTTP server in an "outside" namespace routed to the host.
 * Every ordered pair is probed with ICMP and TCP and compared with Docker's documented behaviour.
 * The whole matrix runs once with br_netfilter on in the host namespace and once with it off, to
 * show that isolation and icc=false don't depend on it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, startProcess } from '../../src/exec/index.js';
import { delay, withHost, type TestHost } from '../helpers/host.js';
import { standInImages } from '../helpers/images.js';
import { HOST_ADDRESS, OUTSIDE_ADDRESS, Outside, httpGet } from '../helpers/outside.js';

interface Member {
  name: string;
  /** Namespace file of the container (SandboxKey); the outside namespace for "outside". */
  netns: string;
  /** Network name -> the member's IPv4 address on it. */
  addresses: Record<string, string>;
}

const OUTSIDE_PAGE = 'outside server\n';
const NO_ICC = '-o com.docker.network.bridge.enable_icc=false';

/** Docker's documented reachability from `source` to `target` at its address on `network`. */
function expected(source: Member, target: Member, network: string): boolean {
  if (target.name === 'outside') return Object.keys(source.addresses).some((name) => name !== 'internal');
  // Nothing from outside reaches a container that published nothing (moby 28's unpublished drop).
  if (source.name === 'outside') return false;
  if (!(network in source.addresses)) return false; // isolation between networks, S079
  return network !== 'noicc'; // icc=false: no traffic between containers of the network
}

function ping(netns: string, address: string): Promise<boolean> {
  return run(['nsenter', `--net=${netns}`, '/usr/bin/busybox', 'ping', '-c1', '-W1', address], { allowFailure: true, timeoutMs: 10_000 }).then((result) => result.code === 0);
}

async function tcp(netns: string, address: string, page: RegExp): Promise<boolean> {
  const result = await httpGet(netns, `http://${address}/`);
  return result.code === 0 && page.test(result.stdout);
}

/** Runs fns at most `limit` at a time (blocked TCP probes each wait out their 5 s timeout). */
async function pool<T>(fns: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(fns.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < fns.length) {
      const index = next++;
      results[index] = await fns[index]!();
    }
  }));
  return results;
}

async function member(host: TestHost, name: string): Promise<Member> {
  const netns = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', name]);
  const networks = JSON.parse(await host.dockerOk(['inspect', '-f', '{{json .NetworkSettings.Networks}}', name])) as Record<string, { IPAddress: string }>;
  const addresses = Object.fromEntries(Object.entries(networks).map(([network, settings]) => [network, settings.IPAddress]));
  return { name, netns, addresses };
}

async function untilServing(netns: string, address: string, page: RegExp): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await tcp(netns, address, page)) return;
    await delay(100);
  }
  throw new Error(`nothing serves http://${address}/ in ${netns}`);
}

async function matrix(bridgeNfCall: '0' | '1'): Promise<void> {
  await withHost(async (host) => {
    for (const key of ['net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables']) {
      await run(['ip', 'netns', 'exec', host.netns, 'sysctl', '-qw', `${key}=${bridgeNfCall}`]);
    }
    assert.equal((await run(['ip', 'netns', 'exec', host.netns, 'sysctl', '-n', 'net.bridge.bridge-nf-call-iptables'])).stdout.trim(), bridgeNfCall);
    await standInImages(host);
    const outside = await Outside.create(host);
    const www = await mkdtemp(join(tmpdir(), 'conet-outside-www-'));
    const server = startProcess(['nsenter', `--net=/run/netns/${outside.netns}`, '/usr/bin/busybox', 'httpd', '-f', '-p', '80', '-h', www]);
    try {
      await writeFile(join(www, 'index.html'), OUTSIDE_PAGE);
      await host.dockerOk(['network', 'create', 'a']);
      await host.dockerOk(['network', 'create', 'b']);
      await host.dockerOk(['network', 'create', '--internal', 'internal']);
      await host.dockerOk(['network', 'create', ...NO_ICC.split(' '), 'noicc']);
      const placement: Array<[string, string]> = [
        ['a1', 'a'], ['a2', 'a'], ['b1', 'b'], ['ab', 'a'], ['d1', 'bridge'],
        ['i1', 'internal'], ['i2', 'internal'], ['n1', 'noicc'], ['n2', 'noicc'],
      ];
      // nginx:latest is the stand-in: busybox httpd on port 80 serving a "Welcome to nginx" page.
      await Promise.all(placement.map(([name, network]) => host.dockerOk(['run', '-d', '--name', name, '--network', network, 'nginx:latest'])));
      await host.dockerOk(['network', 'connect', 'b', 'ab']);
      const members = await Promise.all(placement.map(([name]) => member(host, name)));
      members.push({ name: 'outside', netns: `/run/netns/${outside.netns}`, addresses: { outside: OUTSIDE_ADDRESS } });
      await untilServing(`/run/netns/${outside.netns}`, OUTSIDE_ADDRESS, /outside server/);
      for (const container of members.slice(0, -1)) {
        for (const address of Object.values(container.addresses)) await untilServing(container.netns, address, /Welcome to nginx/);
      }

      // Internal: no default route inside (S156), and a port "published" on it isn't reachable.
      const routes = await run(['nsenter', `--net=${members[5]!.netns}`, 'ip', 'route']);
      assert.doesNotMatch(routes.stdout, /default/, `internal container routes:\n${routes.stdout}`);
      await host.dockerOk(['run', '-d', '--name', 'i3', '--network', 'internal', '-p', '8080:80', 'nginx:latest']);
      assert.notEqual((await outside.fetch(`http://${HOST_ADDRESS}:8080/`)).code, 0, 'published port on an internal network reached from outside');

      const probes: Array<{ label: string; want: boolean; check: () => Promise<boolean> }> = [];
      for (const source of members) {
        for (const target of members) {
          if (source === target) continue;
          for (const [network, address] of Object.entries(target.addresses)) {
            const want = expected(source, target, network);
            const page = target.name === 'outside' ? /outside server/ : /Welcome to nginx/;
            const label = `${source.name} -> ${target.name}@${network} (${address})`;
            probes.push({ label: `icmp ${label}`, want, check: () => ping(source.netns, address) });
            probes.push({ label: `tcp  ${label}`, want, check: () => tcp(source.netns, address, page) });
          }
        }
      }
      const results = await pool(probes.map((probe) => probe.check), 24);
      const wrong = probes.flatMap((probe, index) => (results[index] === probe.want ? [] : [`${probe.label}: ${results[index] ? 'reached' : 'blocked'}, Docker: ${probe.want ? 'reached' : 'blocked'}`]));
      const reached = results.filter(Boolean).length;
      assert.deepEqual(wrong, [], `bridge-nf-call-iptables=${bridgeNfCall}: ${wrong.length} of ${probes.length} probes differ from Docker`);
      // Sanity: the matrix has both outcomes in quantity (a broken probe would be all-blocked).
      assert.ok(reached > 20 && reached < probes.length - 20, `reached ${reached} of ${probes.length}`);
    } finally {
      await server.stop(2_000);
      await outside.dispose();
      await rm(www, { recursive: true, force: true });
    }
  });
}

test('connectivity matrix with br_netfilter on (bridge-nf-call-iptables=1)', { timeout: 300_000 }, async () => {
  await matrix('1');
});

test('connectivity matrix with br_netfilter off (bridge-nf-call-iptables=0)', { timeout: 300_000 }, async () => {
  await matrix('0');
});
