import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attachment, AttachRequest, AttachmentKey } from '../engine/attachments/attachment.js';
import { notFound } from '../errors/index.js';
import { runCni, type CniBackend } from './plugin.js';

/** A backend that records calls: the plugin's decoding, dispatch and rendering are under test. */
function recorder(): CniBackend & { calls: string[]; added: AttachRequest[] } {
  const calls: string[] = [];
  const added: AttachRequest[] = [];
  return {
    calls,
    added,
    async add(request: AttachRequest): Promise<Attachment> {
      calls.push('add');
      added.push(request);
      return {
        containerId: request.containerId, ifname: request.ifname, network: request.network, owner: 'o', netns: request.netns, networkId: 'n', bridge: 'br0',
        hostIfname: 'veth1', macAddress: '02:42:0a:00:00:02', ipv4Address: '10.0.0.2/24', ipv6Address: '', gateway4: '10.0.0.1', gateway6: '', internal: false, ports: [],
      };
    },
    async remove(key: AttachmentKey) {
      calls.push(`remove ${key.containerId}`);
    },
    async check(key: AttachmentKey) {
      calls.push('check');
      throw notFound('cni-attachment', `no attachment ${key.containerId}`);
    },
    async status() {
      calls.push('status');
    },
    async gc(network, valid) {
      calls.push(`gc ${network} ${valid.length}`);
      return [];
    },
    netnsPath: (name) => `/run/netns/${name}`,
  };
}

const ENV = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0', CNI_NETNS: '/run/netns/ns1' };
const CONFIG = JSON.stringify({ cniVersion: '1.1.0', name: 'net1', type: 'conet-cni' });

test('ADD renders the result for the configuration version', async () => {
  const backend = recorder();
  const outcome = await runCni(ENV, CONFIG, backend);
  assert.equal(outcome.exitCode, 0);
  assert.deepEqual(JSON.parse(outcome.stdout), {
    cniVersion: '1.1.0',
    interfaces: [{ name: 'veth1' }, { name: 'eth0', mac: '02:42:0a:00:00:02', sandbox: '/run/netns/ns1' }],
    ips: [{ address: '10.0.0.2/24', gateway: '10.0.0.1', interface: 1 }],
    routes: [{ dst: '0.0.0.0/0', gw: '10.0.0.1' }],
    dns: {},
  });
  assert.equal(backend.added[0]?.netns, 'ns1');
});

test('a bad request reaches no backend call; CHECK of an unknown attachment is error 3; DEL, STATUS and GC print nothing', async () => {
  const backend = recorder();
  const bad = await runCni({ ...ENV, CNI_NETNS: '' }, CONFIG, backend);
  assert.equal(bad.exitCode, 1);
  assert.equal(JSON.parse(bad.stdout).code, 4);
  assert.deepEqual(backend.calls, []);
  const check = await runCni({ ...ENV, CNI_COMMAND: 'CHECK' }, CONFIG, backend);
  assert.deepEqual([check.exitCode, JSON.parse(check.stdout).code], [1, 3]);
  for (const command of ['DEL', 'STATUS', 'GC']) assert.deepEqual(await runCni({ ...ENV, CNI_COMMAND: command }, CONFIG, backend), { stdout: '', exitCode: 0 });
  assert.deepEqual(backend.calls, ['check', 'remove c1', 'status', 'gc net1 0']);
});

test('VERSION answers for any configuration', async () => {
  const outcome = await runCni({ CNI_COMMAND: 'VERSION' }, '{"cniVersion":"0.4.0"}', recorder());
  assert.deepEqual(JSON.parse(outcome.stdout), { cniVersion: '0.4.0', supportedVersions: ['0.4.0', '1.0.0', '1.1.0'] });
});
