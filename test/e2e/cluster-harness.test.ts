/**
 * The three-host harness itself (test/helpers/cluster.ts), independent of overlay networking:
 * namespaces named for the leak check, the LAN between hosts and etcd, etcd reachable from every
 * host, every conetd started with the cluster flags (kept across a crash and restart), and
 * dispose() leaving nothing behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { run } from '../../src/exec/index.js';
import { TestCluster, withCluster } from '../helpers/cluster.js';
import { listNetns } from '../helpers/netns.js';

async function pingFrom(netns: string, address: string): Promise<boolean> {
  const result = await run(['nsenter', `--net=/run/netns/${netns}`, '/usr/bin/busybox', 'ping', '-c1', '-W2', address], { allowFailure: true, timeoutMs: 10_000 });
  return result.code === 0;
}

async function cmdline(pid: number | undefined): Promise<string[]> {
  assert.ok(pid, 'a daemon pid');
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('cluster harness: three hosts and etcd on one LAN, daemons in cluster mode, nothing left after dispose', { timeout: 180_000 }, async (t) => {
  const started = Date.now();
  const cluster = await TestCluster.create({ hosts: 3, ttlSeconds: 5 });
  const upMs = Date.now() - started;
  const etcdPid = cluster.etcd.pid;
  const dirs = cluster.hosts.map((host) => host.dir);
  let disposeMs = 0;
  try {
    await cluster.explain(async () => {
      assert.equal(cluster.hosts.length, 3);
      const namespaces = await listNetns(cluster.prefix);
      assert.deepEqual(namespaces.sort(), [cluster.etcdNetns, ...cluster.hosts.map((host) => host.netns), cluster.lanNetns].sort());
      for (const name of namespaces) assert.match(name, /^conet-t-[0-9a-f]{6}-/);

      for (const [index, host] of cluster.hosts.entries()) {
        // The underlay link exists with its address, and the host reaches etcd, the LAN's gateway
        // and every other host over the LAN.
        const links = await host.ipJson<Array<{ addr_info: Array<{ local: string; prefixlen: number }> }>>(['addr', 'show', 'dev', cluster.underlayDevice]);
        assert.deepEqual(links[0]?.addr_info.filter((info) => info.local.includes('.')).map((info) => `${info.local}/${info.prefixlen}`), [`${cluster.addressOf(index)}/24`]);
        for (const address of [cluster.etcdAddress, cluster.lanGateway, ...cluster.hosts.map((_, other) => cluster.addressOf(other))]) {
          assert.ok(await pingFrom(host.netns, address), `host ${index + 1} -> ${address}`);
        }
        const health = await run(['nsenter', `--net=${host.netnsPath}`, 'curl', '-fsS', '--max-time', '3', `http://${cluster.etcdAddress}:2379/health`], { allowFailure: true, timeoutMs: 10_000 });
        assert.equal(health.code, 0, health.stderr);
        assert.match(health.stdout, /"health":"true"/);

        // conetd runs inside the host's namespace with the cluster flags.
        const argv = await cmdline(host.daemonPid);
        const flags = argv.slice(argv.indexOf('daemon'));
        assert.ok(flags.join(' ').includes(`--cluster-store etcd://${cluster.etcdAddress}:2379 --cluster-advertise ${cluster.addressOf(index)} --cluster-store-opt discovery.ttl=5`), flags.join(' '));
        assert.notEqual(await host.dockerOk(['info', '--format', '{{.ID}}']), '');
      }

      // A crashed and restarted daemon keeps its cluster flags.
      const second = cluster.hosts[1]!;
      const before = second.daemonPid;
      await second.restart({ crash: true });
      assert.notEqual(second.daemonPid, before);
      assert.ok((await cmdline(second.daemonPid)).join(' ').includes(`--cluster-advertise ${cluster.addressOf(1)}`));
      assert.ok(await pingFrom(second.netns, cluster.etcdAddress));

      // etcd stops and resumes on the same address and data.
      await cluster.etcd.stop();
      assert.ok(!(await run(['nsenter', `--net=${second.netnsPath}`, 'curl', '-fsS', '--max-time', '2', `http://${cluster.etcdAddress}:2379/health`], { allowFailure: true })).stdout.includes('"health":"true"'));
      await cluster.etcd.resume();
    });
  } finally {
    const disposing = Date.now();
    await cluster.dispose();
    disposeMs = Date.now() - disposing;
  }
  t.diagnostic(`3-host cluster up in ${upMs} ms, disposed in ${disposeMs} ms`);
  assert.deepEqual(await listNetns(cluster.prefix), []);
  assert.ok(etcdPid && !alive(etcdPid), 'etcd is gone');
  for (const dir of dirs) assert.equal(await stat(dir).catch(() => undefined), undefined, `${dir} removed`);
  await cluster.dispose(); // twice is fine
});

test('cluster harness: withCluster disposes after a failure and appends every daemon log', { timeout: 120_000 }, async () => {
  let prefix = '';
  await assert.rejects(
    withCluster(async (cluster) => {
      prefix = cluster.prefix;
      await cluster.hosts[0]!.dockerOk(['network', 'create', 'harness-probe']);
      throw new Error('deliberate');
    }, { hosts: 2 }),
    (error: Error) => {
      assert.match(error.message, /^deliberate\n/);
      assert.match(error.message, /--- conetd log of host 1 .*\(tail\) ---/);
      assert.match(error.message, /--- conetd log of host 2 /);
      assert.match(error.message, /--- etcd log \(running\) \(tail\) ---/);
      return true;
    },
  );
  assert.ok(prefix);
  assert.deepEqual(await listNetns(prefix), []);
});
