/** LinuxSandboxes on the real kernel: a container namespace plugged into a bridge, real pings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { LinuxLinks } from '../../src/kernel/linux/links.js';
import { LinuxSandboxes } from '../../src/kernel/linux/sandboxes.js';
import { execIn, NetnsSandbox } from '../helpers/netns.js';
import type { BridgeSpec, VethSpec } from '../../src/kernel/ports.js';

/** Test values as plain strings; the adapters take them typed (util/kernel-values.ts). */
const bridge = (spec: Record<string, unknown>): BridgeSpec => spec as unknown as BridgeSpec;
const veth = (spec: Record<string, unknown>): VethSpec => spec as unknown as VethSpec;

const BUSYBOX = '/usr/bin/busybox';

test('plug a sandbox into a bridge, reach it both ways, unplug and remove without leftovers', async () => {
  const namespaces = new NetnsSandbox('conet-t-sbx');
  const sandboxes = new LinuxSandboxes();
  const name = `conet-t-c-${randomBytes(4).toString('hex')}`;
  try {
    const host = await namespaces.create('host');
    const target = { netns: host.path };
    await new LinuxLinks().ensureBridge(bridge({ name: 'br-test', addresses: ['10.70.0.1/24', 'fd70::1/64'], mtu: 1500, alias: 'conet-net:test' }), target);
    await sandboxes.plugVeth(
      veth({
        hostName: 'vethtest01',
        bridge: 'br-test',
        sandbox: name,
        createSandbox: true,
        ifname: 'eth0',
        mac: '02:42:0a:46:00:02',
        mtu: 1500,
        addresses: ['10.70.0.2/24', 'fd70::2/64'],
        gateway4: '10.70.0.1',
        gateway6: 'fd70::1',
      }),
      target,
    );
    assert.ok(await sandboxes.exists(name));
    const inside = await execIn(name, ['ip', '-json', 'addr', 'show', 'dev', 'eth0']);
    const [eth0] = JSON.parse(inside.stdout) as Array<{ address: string; mtu: number; addr_info: Array<{ local: string }> }>;
    assert.equal(eth0?.address, '02:42:0a:46:00:02');
    assert.deepEqual(eth0?.addr_info.map((info) => info.local).filter((local) => !local.startsWith('fe80')), ['10.70.0.2', 'fd70::2']);
    const routes = await execIn(name, ['ip', 'route', 'show', 'default']);
    assert.match(routes.stdout, /default via 10\.70\.0\.1 dev eth0/);
    assert.match((await execIn(name, ['ip', '-6', 'route', 'show', 'default'])).stdout, /default via fd70::1 dev eth0/);
    assert.equal((await execIn(name, [BUSYBOX, 'ping', '-c1', '-W2', '10.70.0.1'], { allowFailure: true })).code, 0);
    assert.equal((await execIn(host, [BUSYBOX, 'ping', '-c1', '-W2', '10.70.0.2'], { allowFailure: true })).code, 0);
    assert.equal((await execIn(name, [BUSYBOX, 'ping', '-c1', '-W2', '127.0.0.1'], { allowFailure: true })).code, 0, 'lo is up');

    await sandboxes.unplugVeth('vethtest01', target);
    await sandboxes.unplugVeth('vethtest01', target); // already gone: fine
    assert.doesNotMatch((await execIn(host, ['ip', '-br', 'link'])).stdout, /vethtest01/);
    assert.doesNotMatch((await execIn(name, ['ip', '-br', 'link'])).stdout, /eth0/);
    await sandboxes.remove(name);
    await sandboxes.remove(name); // already gone: fine
    assert.equal(await sandboxes.exists(name), false);
  } finally {
    await sandboxes.remove(name).catch(() => undefined);
    await namespaces.cleanup();
  }
});

test('a failure inside the sandbox removes the veth it made', async () => {
  const namespaces = new NetnsSandbox('conet-t-sbx');
  const sandboxes = new LinuxSandboxes();
  const name = `conet-t-c-${randomBytes(4).toString('hex')}`;
  try {
    const host = await namespaces.create('host');
    const target = { netns: host.path };
    await new LinuxLinks().ensureBridge(bridge({ name: 'br-test', addresses: ['10.71.0.1/24'], mtu: 1500, alias: 'conet-net:test' }), target);
    await assert.rejects(
      sandboxes.plugVeth(
        veth({ hostName: 'vethtest02', bridge: 'br-test', sandbox: name, createSandbox: true, ifname: 'eth0', mac: '02:42:0a:47:00:02', mtu: 1500, addresses: ['10.71.0.2/24'], gateway4: '10.99.99.1' }),
        target,
      ),
      /configure eth0/,
    );
    assert.doesNotMatch((await execIn(host, ['ip', '-br', 'link'])).stdout, /vethtest02/);
  } finally {
    await sandboxes.remove(name).catch(() => undefined);
    await namespaces.cleanup();
  }
});

test('isolated ports (icc=false) reach the gateway but not each other, with br_netfilter off', async () => {
  const namespaces = new NetnsSandbox('conet-t-sbx');
  const sandboxes = new LinuxSandboxes();
  const names = ['a', 'b', 'c'].map((letter) => `conet-t-c-${randomBytes(3).toString('hex')}${letter}`);
  try {
    const host = await namespaces.create('host');
    const target = { netns: host.path };
    // Without br_netfilter no nft rule sees bridged frames: only the bridge itself can isolate.
    await execIn(host, ['sysctl', '-qw', 'net.bridge.bridge-nf-call-iptables=0'], { allowFailure: true });
    await new LinuxLinks().ensureBridge(bridge({ name: 'br-test', addresses: ['10.72.0.1/24'], mtu: 1500, alias: 'conet-net:test' }), target);
    for (const [index, name] of names.entries()) {
      await sandboxes.plugVeth(
        veth({
          hostName: `vethiso0${index}`, bridge: 'br-test', sandbox: name, createSandbox: true, ifname: 'eth0',
          mac: `02:42:0a:48:00:0${index + 2}`, mtu: 1500, addresses: [`10.72.0.${index + 2}/24`], gateway4: '10.72.0.1',
          // a and b are ports of an icc=false network; c is an ordinary port.
          ...(index < 2 ? { isolated: true } : {}),
        }),
        target,
      );
    }
    assert.match((await execIn(host, ['ip', '-d', 'link', 'show', 'vethiso00'])).stdout, /isolated on/);
    assert.doesNotMatch((await execIn(host, ['ip', '-d', 'link', 'show', 'vethiso02'])).stdout, /isolated on/);
    const ping = async (from: string, to: string) => (await execIn(from, [BUSYBOX, 'ping', '-c1', '-W1', to], { allowFailure: true })).code === 0;
    assert.equal(await ping(names[0]!, '10.72.0.1'), true, 'isolated port -> gateway');
    assert.equal(await ping(names[0]!, '10.72.0.3'), false, 'isolated -> isolated');
    assert.equal(await ping(names[1]!, '10.72.0.2'), false, 'isolated -> isolated (other way)');
    assert.equal(await ping(names[0]!, '10.72.0.4'), true, 'isolated -> ordinary port');
    assert.equal(await ping(names[2]!, '10.72.0.3'), true, 'ordinary -> isolated port');
  } finally {
    for (const name of names) await sandboxes.remove(name).catch(() => undefined);
    await namespaces.cleanup();
  }
});
