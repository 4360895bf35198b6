/**
 * Nothing leaks: after rm -f of every container and a network prune the host is back to its
 * start state; the same after kill -9 of the daemon while 20 containers start in parallel and a
 * restart. Containers that kept running are adopted by the restarted daemon.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { withHost, type TestHost } from '../helpers/host.js';
import { standInImages } from '../helpers/images.js';
import { httpGet } from '../helpers/outside.js';

interface HostState {
  links: string;
  portElements: number;
  mounts: string[];
  monitors: number;
  sandboxes: string[];
}

async function state(host: TestHost): Promise<HostState> {
  const table = JSON.parse((await host.nft(['-j', 'list', 'table', 'inet', 'conet'])).stdout) as { nftables: Array<{ map?: { name: string; elem?: unknown[] } }> };
  const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((line) => line.split(' ')[1] ?? '').filter((target) => target.startsWith(`${host.dir}/`));
  let monitors = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.startsWith('/usr/bin/conmon') && cmdline.includes(host.dir)) monitors += 1;
  }
  const namespaces = (await readdir('/run/netns')).filter((name) => name.startsWith(`conet-${host.daemonShortId}-`));
  return {
    // Names and MACs: a bridge's carrier flag follows its ports and is not state we own.
    links: (await host.ip(['-br', 'link'])).split('\n').map((line) => line.split(/\s+/).filter((_, index) => index !== 1).slice(0, 2).join(' ')).join('\n'),
    portElements: table.nftables.filter((item) => item.map?.name.startsWith('ports')).reduce((sum, item) => sum + (item.map?.elem?.length ?? 0), 0),
    mounts,
    monitors,
    sandboxes: namespaces,
  };
}

test('rm -f and prune return the host to its start state', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    const start = await state(host);
    await host.dockerOk(['network', 'create', 'app']);
    await host.dockerOk(['run', '-d', '-P', 'nginx']);
    await host.dockerOk(['run', '-d', '--network', 'app', '-p', '9000:80', 'nginx']);
    await host.dockerOk(['run', '-d', '--net', 'none', 'busybox', 'sleep', '300']);
    await host.dockerOk(['run', '-d', '--net', 'host', 'busybox', 'sleep', '300']);
    const busy = await state(host);
    assert.equal(busy.portElements, 3);
    assert.equal(busy.monitors, 4);
    assert.equal(busy.sandboxes.length, 3);
    const ids = (await host.dockerOk(['ps', '-aq'])).split('\n');
    await host.dockerOk(['rm', '-f', ...ids]);
    await host.dockerOk(['network', 'prune', '-f']);
    assert.deepEqual(await state(host), start);
    // Allocations were released: the next container gets the first address again.
    await host.dockerOk(['run', '-d', '--name', 'again', 'busybox', 'sleep', '300']);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'again']), '172.17.0.2');
  });
});

test('kill -9 while 20 containers start, restart: running ones adopted, nothing leaked', { timeout: 300_000 }, async () => {
  await withHost(async (host) => {
    await standInImages(host);
    const start = await state(host);
    const survivor = await host.dockerOk(['run', '-d', '-p', '8088:80', '--name', 'survivor', 'nginx']);
    const starts = Array.from({ length: 20 }, (_, index) => host.docker(['run', '-d', '--name', `par${index}`, '-p', `${9100 + index}:80`, 'nginx']));
    await new Promise((resolve) => setTimeout(resolve, 400));
    await host.kill();
    await Promise.all(starts);
    await host.start();

    // The survivor kept running and kept its port; the daemon adopted it.
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.State.Status}}', survivor]), 'running');
    assert.match((await httpGet(host.netnsPath, 'http://127.0.0.1:8088/')).stdout, /Welcome to nginx/);
    // Whatever the crash interrupted is consistent: every running container answers on its port.
    for (const line of (await host.dockerOk(['ps', '--format', '{{.Names}} {{.Ports}}'])).split('\n')) {
      const port = /0\.0\.0\.0:(\d+)->80/.exec(line)?.[1];
      assert.ok(port, `running container with its port: ${line}`);
      assert.match((await httpGet(host.netnsPath, `http://127.0.0.1:${port}/`)).stdout, /Welcome to nginx/, line);
    }
    const ids = (await host.dockerOk(['ps', '-aq'])).split('\n').filter(Boolean);
    await host.dockerOk(['rm', '-f', ...ids]);
    assert.deepEqual(await state(host), start);
    // The survivor's exit after the restart was seen by the new daemon (docker wait returns).
    const fresh = await host.dockerOk(['run', '-d', 'busybox', 'sh', '-c', 'sleep 1; exit 7']);
    assert.equal(await host.dockerOk(['wait', fresh]), '7');
  });
});
