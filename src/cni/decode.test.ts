import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CniError } from './cni-error.js';
import { decodeConfig, parseConfigText } from './decode-config.js';
import { decodeEnv } from './decode-env.js';

function code(fn: () => unknown): number {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof CniError, String(error));
    return error.code;
  }
  assert.fail('expected a CniError');
}

const BASE = { cniVersion: '1.0.0', name: 'net1', type: 'conet-cni' };

test('env: commands, container ids, interface names and namespaces are checked (error 4)', () => {
  const env = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'abc', CNI_IFNAME: 'eth0', CNI_NETNS: '/run/netns/ns1' };
  assert.deepEqual(decodeEnv(env), { command: 'ADD', containerId: 'abc', ifname: 'eth0', netns: 'ns1' });
  assert.equal(decodeEnv({ ...env, CNI_COMMAND: 'DEL', CNI_NETNS: '' }).netns, '');
  assert.equal(decodeEnv({ CNI_COMMAND: 'GC' }).command, 'GC');
  for (const bad of [
    { ...env, CNI_COMMAND: 'add' },
    { ...env, CNI_COMMAND: undefined },
    { ...env, CNI_CONTAINERID: '' },
    { ...env, CNI_CONTAINERID: '-x' },
    { ...env, CNI_CONTAINERID: 'a/b' },
    { ...env, CNI_IFNAME: 'x'.repeat(16) },
    { ...env, CNI_IFNAME: 'a b' },
    { ...env, CNI_IFNAME: '..' },
    { ...env, CNI_NETNS: undefined },
    { ...env, CNI_NETNS: '/proc/1/ns/net' },
    { ...env, CNI_NETNS: '/run/netns/../x' },
    { ...env, CNI_NETNS: '/run/netns/a\nb' },
  ]) {
    assert.equal(code(() => decodeEnv(bad)), 4, JSON.stringify(bad));
  }
});

test('config: parse failures are 6, shapes 7, unknown fields 2, versions 1', () => {
  assert.equal(code(() => parseConfigText('{"cniVersion": ')), 6);
  assert.equal(code(() => parseConfigText('[1]')), 6);
  const cases: Array<[Record<string, unknown>, number]> = [
    [{ ...BASE, cniVersion: '0.3.1' }, 1],
    [{ ...BASE, cniVersion: 'x' }, 1],
    [{ ...BASE, cniVersion: 1 }, 7],
    [{ ...BASE, name: 'a b' }, 7],
    [{ ...BASE, type: 'bridge' }, 7],
    [{ ...BASE, driver: 'ipvlan' }, 7],
    [{ ...BASE, subnet: '10.0.0.0' }, 7],
    [{ ...BASE, gateway: '10.0.0.1; rm -rf /' }, 7],
    [{ ...BASE, mtu: 70000 }, 7],
    [{ ...BASE, conetHost: 'tcp://1.2.3.4:2375' }, 7],
    [{ ...BASE, ipam: { type: 'host-local' } }, 2],
    [{ ...BASE, hairpinMode: true }, 2],
    [{ ...BASE, runtimeConfig: { portMappings: [{ hostPort: 0, containerPort: 80 }] } }, 7],
    [{ ...BASE, runtimeConfig: { portMappings: [{ hostPort: 80, containerPort: 80, protocol: 'icmp' }] } }, 7],
    [{ ...BASE, runtimeConfig: { ips: ['10.0.0.2', '10.0.0.3'] } }, 7],
    [{ ...BASE, runtimeConfig: { mac: 'zz' } }, 7],
    [{ ...BASE, runtimeConfig: { ipRanges: [[{ subnet: '10.9.0.0/24', rangeStart: '10.9.0.10' }]] } }, 2],
    [{ ...BASE, prevResult: { ips: [{ address: '10.0.0.2/24', interface: 3 }] } }, 7],
    [{ ...BASE, 'cni.dev/valid-attachments': [{ containerID: 1 }] }, 7],
  ];
  for (const [config, expected] of cases) assert.equal(code(() => decodeConfig(config)), expected, JSON.stringify(config));
});

test('config: capabilities and fields decode into the engine request', () => {
  const config = decodeConfig({
    ...BASE,
    internal: true,
    ipMasq: false,
    bridge: 'cni-br0',
    runtimeConfig: {
      portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'TCP', hostIP: '127.0.0.1' }, { hostPort: 53, containerPort: 53, protocol: 'udp' }],
      ips: ['10.9.0.7/24', 'fd00::7'],
      mac: '02:AA:bb:cc:dd:ee',
      ipRanges: [[{ subnet: '10.9.0.0/24', gateway: '10.9.0.254' }]],
      bandwidth: { ingressRate: 1 },
    },
    'cni.dev/valid-attachments': [{ containerID: 'c1', ifname: 'eth0' }],
  });
  assert.deepEqual(config.spec, { name: 'net1', driver: 'bridge', internal: true, masquerade: false, options: { 'com.docker.network.bridge.name': 'cni-br0' }, subnet: '10.9.0.0/24', gateway: '10.9.0.254' });
  assert.deepEqual(config.runtime.ports, [
    { hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1' },
    { hostPort: 53, containerPort: 53, protocol: 'udp', hostIp: '' },
  ]);
  assert.equal(config.runtime.ipv4Address, '10.9.0.7');
  assert.equal(config.runtime.ipv6Address, 'fd00::7');
  assert.equal(config.runtime.macAddress, '02:aa:bb:cc:dd:ee');
  assert.deepEqual(config.validAttachments, [{ containerId: 'c1', ifname: 'eth0' }]);
});
