/**
 * The CNI spec checklist (issue 14): bin/conet-cni driven exactly as a runtime drives a plugin
 * (exec with CNI_* variables and the configuration on stdin) against conetd in a test host.
 * Covers the verbs, version negotiation, results, chaining, idempotent DEL, the spec's error
 * JSON for bad input (each changing nothing), CHECK after a hand-deleted veth, the capabilities.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/exec/index.js';
import { withHost, type TestHost } from '../helpers/host.js';
import { createNetns, deleteNetns, type Netns } from '../helpers/netns.js';
import { cni, conetConfig, type CniAnswer } from '../helpers/cni.js';

const NET = conetConfig('cninet', { subnet: '10.77.0.0/24' });

async function withNamespaces<T>(count: number, fn: (namespaces: Netns[]) => Promise<T>): Promise<T> {
  const made: Netns[] = [];
  try {
    for (let index = 0; index < count; index += 1) made.push(await createNetns('conet-t-cni'));
    return await fn(made);
  } finally {
    for (const ns of made) await deleteNetns(ns);
  }
}

/** What bad input must not change: host links, networks, our nft table. */
async function hostState(host: TestHost): Promise<string> {
  const links = (await host.ip(['-br', 'link'])).split('\n').map((line) => line.split(/\s+/)[0]).sort().join(',');
  const networks = await host.dockerOk(['network', 'ls', '--format', '{{.Name}}']);
  const table = (await host.nft(['list', 'table', 'inet', 'conet'])).stdout;
  return `${links}\n${networks}\n${table}`;
}

function assertError(answer: CniAnswer, code: number, version = '1.0.0'): void {
  assert.notEqual(answer.code, 0, answer.stdout);
  assert.equal(answer.json?.['code'], code, answer.stdout);
  assert.equal(answer.json?.['cniVersion'], version, answer.stdout);
  assert.equal(typeof answer.json?.['msg'], 'string');
}

async function nsIp(ns: Netns, args: string[]): Promise<string> {
  return (await run(['ip', '-n', ns.name, ...args], { allowFailure: true })).stdout;
}

test('CNI spec: VERSION, ADD/CHECK/DEL with results and idempotent DEL, version negotiation, chaining, capabilities', async () => {
  await withHost(async (host) => {
    await withNamespaces(3, async ([a, b, c]) => {
      const version = await cni({ command: 'VERSION' }, { cniVersion: '1.1.0' }, host.socket);
      assert.equal(version.code, 0);
      assert.deepEqual(version.json, { cniVersion: '1.1.0', supportedVersions: ['0.4.0', '1.0.0', '1.1.0'] });

      const added = await cni({ command: 'ADD', containerId: 'ctr-a', netns: a!.path, ifname: 'eth0' }, NET, host.socket);
      assert.equal(added.code, 0, added.stdout);
      const result = added.json!;
      assert.equal(result['cniVersion'], '1.0.0');
      const interfaces = result['interfaces'] as Array<{ name: string; sandbox?: string; mac?: string }>;
      const ips = result['ips'] as Array<{ address: string; gateway: string; interface: number }>;
      assert.equal(interfaces[ips[0]!.interface]!.name, 'eth0');
      assert.equal(interfaces[ips[0]!.interface]!.sandbox, a!.path);
      assert.match(ips[0]!.address, /^10\.77\.0\.\d+\/24$/);
      assert.equal(ips[0]!.gateway, '10.77.0.1');
      assert.deepEqual(result['routes'], [{ dst: '0.0.0.0/0', gw: '10.77.0.1' }]);
      assert.match(await nsIp(a!, ['-br', 'addr', 'show', 'eth0']), new RegExp(ips[0]!.address.replace(/\./g, '\\.')));
      const ping = await run(['nsenter', `--net=${a!.path}`, '/usr/bin/busybox', 'ping', '-c1', '-W1', '10.77.0.1'], { allowFailure: true });
      assert.equal(ping.code, 0, 'the container reaches its gateway');

      assert.equal((await cni({ command: 'CHECK', containerId: 'ctr-a', netns: a!.path, ifname: 'eth0' }, { ...NET, prevResult: result }, host.socket)).code, 0);

      // 0.4.0: each address says its IP version; the ips capability and the mac capability.
      const old = await cni({ command: 'ADD', containerId: 'ctr-b', netns: b!.path, ifname: 'net1' }, { ...NET, cniVersion: '0.4.0', runtimeConfig: { ips: ['10.77.0.50/24'], mac: '02:aa:bb:cc:dd:ee' } }, host.socket);
      assert.equal(old.code, 0, old.stdout);
      const oldIps = old.json!['ips'] as Array<{ version: string; address: string }>;
      assert.equal(oldIps[0]!.version, '4');
      assert.equal(oldIps[0]!.address, '10.77.0.50/24');
      assert.match(await nsIp(b!, ['link', 'show', 'net1']), /02:aa:bb:cc:dd:ee/);

      // Chaining: a previous plugin's interfaces, addresses and routes come first, indexes kept.
      const prevResult = { cniVersion: '1.0.0', interfaces: [{ name: 'lo0', sandbox: c!.path }], ips: [{ address: '192.0.2.7/32', interface: 0 }], routes: [{ dst: '192.0.2.0/24' }], dns: { nameservers: ['192.0.2.53'] } };
      const chained = await cni({ command: 'ADD', containerId: 'ctr-c', netns: c!.path, ifname: 'eth0' }, { ...NET, prevResult }, host.socket);
      assert.equal(chained.code, 0, chained.stdout);
      const chainedIps = chained.json!['ips'] as Array<{ address: string; interface: number }>;
      assert.deepEqual(chainedIps[0], { address: '192.0.2.7/32', interface: 0 });
      assert.equal((chained.json!['interfaces'] as Array<{ name: string }>)[chainedIps[1]!.interface]!.name, 'eth0');
      assert.deepEqual((chained.json!['routes'] as unknown[])[0], { dst: '192.0.2.0/24' });
      assert.deepEqual(chained.json!['dns'], { nameservers: ['192.0.2.53'] });

      // DEL removes it, a second DEL and a DEL without a namespace succeed too.
      const del = { command: 'DEL', containerId: 'ctr-c', netns: c!.path, ifname: 'eth0' };
      assert.equal((await cni(del, NET, host.socket)).code, 0);
      assert.doesNotMatch(await nsIp(c!, ['-br', 'link']), /eth0/);
      assert.equal((await cni(del, NET, host.socket)).code, 0);
      assert.equal((await cni({ command: 'DEL', containerId: 'ctr-c', ifname: 'eth0' }, NET, host.socket)).code, 0);
      assert.equal((await cni({ command: 'DEL', containerId: 'never-added', netns: c!.path, ifname: 'eth0' }, NET, host.socket)).code, 0);

      // CHECK fails once the container's veth is deleted by hand.
      await run(['ip', '-n', a!.name, 'link', 'del', 'eth0']);
      const check = await cni({ command: 'CHECK', containerId: 'ctr-a', netns: a!.path, ifname: 'eth0' }, { ...NET, prevResult: result }, host.socket);
      assert.notEqual(check.code, 0);
      assert.match(String(check.json?.['msg']), /interface eth0 is missing/);
      for (const [id, ns, ifname] of [['ctr-a', a!, 'eth0'], ['ctr-b', b!, 'net1']] as const) {
        assert.equal((await cni({ command: 'DEL', containerId: id, netns: ns.path, ifname }, NET, host.socket)).code, 0);
      }
      const inspected = JSON.parse(await host.dockerOk(['network', 'inspect', 'cninet']))[0];
      assert.deepEqual(inspected.Containers, {}, 'no endpoint is left');
    });
  });
});

test('CNI spec: bad input gives the spec error JSON and changes nothing', async () => {
  await withHost(async (host) => {
    await host.dockerOk(['network', 'create', '--subnet', '10.78.0.0/16', 'taken']);
    await withNamespaces(1, async ([a]) => {
      const call = { command: 'ADD', containerId: 'ctr-bad', netns: a!.path, ifname: 'eth0' };
      const before = await hostState(host);
      const answers: Array<[CniAnswer, number, string?]> = await Promise.all([
        cni(call, '{"cniVersion": "1.0.0", "name": ', host.socket).then((answer) => [answer, 6, '1.0.0'] as [CniAnswer, number, string]),
        cni(call, conetConfig('bad1', { driver: 'weave' }), host.socket).then((answer) => [answer, 7] as [CniAnswer, number]),
        cni(call, { ...conetConfig('bad2'), type: 'not-conet' }, host.socket).then((answer) => [answer, 7] as [CniAnswer, number]),
        cni({ ...call, netns: undefined as unknown as string }, conetConfig('bad3'), host.socket).then((answer) => [answer, 4] as [CniAnswer, number]),
        cni(call, conetConfig('bad4', { subnet: '10.78.5.0/24' }), host.socket).then((answer) => [answer, 7] as [CniAnswer, number]),
        cni(call, { ...conetConfig('bad5'), cniVersion: '0.2.0' }, host.socket).then((answer) => [answer, 1, '1.1.0'] as [CniAnswer, number, string]),
        cni(call, conetConfig('bad6', { hairpinMode: true }), host.socket).then((answer) => [answer, 2] as [CniAnswer, number]),
        cni({ ...call, command: 'FROB' }, conetConfig('bad7'), host.socket).then((answer) => [answer, 4] as [CniAnswer, number]),
        cni({ ...call, ifname: 'x'.repeat(16) }, conetConfig('bad8'), host.socket).then((answer) => [answer, 4] as [CniAnswer, number]),
        cni({ ...call, netns: '/proc/1/ns/net' }, conetConfig('bad9'), host.socket).then((answer) => [answer, 4] as [CniAnswer, number]),
      ]);
      for (const [answer, code, version] of answers) assertError(answer, code, version ?? '1.0.0');
      assert.equal(await hostState(host), before);
      assert.equal(await nsIp(a!, ['-br', 'link']).then((text) => text.includes('eth0')), false);
    });
  });
});
