/**
 * CNI attachments living beside Docker-API containers on one conetd (issue 14): published ports
 * served from the host and from outside through the daemon's port map, no address or port given
 * twice, GC with the valid list removing a leaked attachment whole, STATUS failing while the
 * daemon is stopped, and attachments (ports included) kept across a daemon restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess } from '../../src/exec/index.js';
import { delay, withHost } from '../helpers/host.js';
import { createNetns, deleteNetns, type Netns } from '../helpers/netns.js';
import { HOST_ADDRESS, Outside, httpGet } from '../helpers/outside.js';
import { cni, conetConfig } from '../helpers/cni.js';

const NET = conetConfig('cninet', { subnet: '10.79.0.0/24', requireDaemon: true });

async function serve(ns: Netns, page: string, dir: string): Promise<void> {
  await writeFile(join(dir, 'index.html'), page);
  // Killed with the namespace (deleteNetns ends the processes inside it).
  startProcess(['nsenter', `--net=${ns.path}`, '/usr/bin/busybox', 'httpd', '-f', '-p', '80', '-h', dir]);
  await delay(300);
}

test('CNI beside Docker: ports from the host and outside, no conflicts, GC, STATUS, restart', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-cni-'));
  const made: Netns[] = [];
  try {
    await withHost(async (host) => {
      const outside = await Outside.create(host);
      try {
        for (let index = 0; index < 2; index += 1) made.push(await createNetns('conet-t-cni'));
        const [a, b] = made as [Netns, Netns];
        const added = await cni({ command: 'ADD', containerId: 'web', netns: a.path, ifname: 'eth0' }, { ...NET, runtimeConfig: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] } }, host.socket);
        assert.equal(added.code, 0, added.stdout);
        await serve(a, 'cni page', dir);
        assert.equal((await httpGet(host.netnsPath, 'http://127.0.0.1:8080/')).stdout, 'cni page', 'localhost of the host');
        assert.equal((await outside.fetch(`http://${HOST_ADDRESS}:8080/`)).stdout, 'cni page', 'from outside');

        // A Docker-API container on the same network gets another address, and not port 8080.
        const taken = await host.docker(['run', '-d', '--name', 'clash', '-p', '8080:80', 'busybox', 'sleep', '60']);
        assert.notEqual(taken.code, 0, 'port 8080 is the CNI attachment\'s');
        await host.docker(['rm', '-f', 'clash']);
        await host.dockerOk(['run', '-d', '--name', 'peer', '--network', 'cninet', 'busybox', 'sleep', '60']);
        const peerAddress = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.cninet.IPAddress}}', 'peer']);
        const cniAddress = ((added.json!['ips'] as Array<{ address: string }>)[0]!.address).split('/')[0];
        assert.notEqual(peerAddress, cniAddress);

        // STATUS fails while the daemon is stopped (requireDaemon); the attachment survives a restart.
        assert.equal((await cni({ command: 'STATUS' }, { ...NET, cniVersion: '1.1.0' }, host.socket)).code, 0);
        await host.stop();
        const down = await cni({ command: 'STATUS' }, { ...NET, cniVersion: '1.1.0' }, host.socket);
        assert.notEqual(down.code, 0);
        assert.equal(down.json?.['code'], 50, down.stdout);
        await host.start();
        const check = await cni({ command: 'CHECK', containerId: 'web', netns: a.path, ifname: 'eth0' }, { ...NET, prevResult: added.json }, host.socket);
        assert.equal(check.code, 0, check.stdout);
        assert.equal((await outside.fetch(`http://${HOST_ADDRESS}:8080/`)).stdout, 'cni page', 'served after the restart');

        // GC with a valid list that leaves "leak" out removes its veth, address, port and record.
        const leak = await cni({ command: 'ADD', containerId: 'leak', netns: b.path, ifname: 'eth0' }, { ...NET, runtimeConfig: { portMappings: [{ hostPort: 9090, containerPort: 80, protocol: 'tcp' }] } }, host.socket);
        assert.equal(leak.code, 0, leak.stdout);
        const hostVeth = (leak.json!['interfaces'] as Array<{ name: string; sandbox?: string }>).find((item) => item.sandbox === undefined)!.name;
        const gc = await cni({ command: 'GC' }, { ...NET, cniVersion: '1.1.0', 'cni.dev/valid-attachments': [{ containerID: 'web', ifname: 'eth0' }] }, host.socket);
        assert.equal(gc.code, 0, gc.stdout);
        assert.doesNotMatch(await host.ip(['-br', 'link']), new RegExp(hostVeth));
        assert.doesNotMatch((await host.nft(['list', 'table', 'inet', 'conet'])).stdout, /9090/);
        const gone = await cni({ command: 'CHECK', containerId: 'leak', netns: b.path, ifname: 'eth0' }, NET, host.socket);
        assert.equal(gone.json?.['code'], 3, gone.stdout);
        assert.equal((await outside.fetch(`http://${HOST_ADDRESS}:8080/`)).stdout, 'cni page', 'the valid attachment is kept');

        assert.equal((await cni({ command: 'DEL', containerId: 'web', netns: a.path, ifname: 'eth0' }, NET, host.socket)).code, 0);
        assert.doesNotMatch((await host.nft(['list', 'table', 'inet', 'conet'])).stdout, /8080/);
        await host.docker(['rm', '-f', 'peer']);
      } finally {
        await outside.dispose();
      }
    });
  } finally {
    for (const ns of made) await deleteNetns(ns);
    await rm(dir, { recursive: true, force: true });
  }
});
