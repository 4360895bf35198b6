/**
 * Crash consistency on the real kernel (issue 10, item 12). For 16 failpoints: the daemon is
 * started with CONET_FAILPOINTS=POINT=crash, an operation runs into the point and the daemon
 * SIGKILLs itself there; the daemon is started again without failpoints. Then the object the
 * operation touched either fully exists and works (a container runs and reaches its gateway or
 * answers on its published port, a network carries a container) or does not exist at all and can
 * be made again; and after removing every container and network the host is exactly as it was
 * before: links, addresses, nft table, mounts, monitors, sandboxes, container directories, API.
 * Three test hosts take the points in parallel.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FailpointName } from '../../src/util/failpoint.js';
import { withHost, type TestHost } from '../helpers/host.js';
import { standInImages } from '../helpers/images.js';
import { httpGet } from '../helpers/outside.js';

interface Case {
  point: FailpointName;
  /** Runs on a daemon without failpoints (it may pass the same point). */
  prepare?: (host: TestHost) => Promise<void>;
  /** The docker command that runs into the failpoint. */
  operation: string[];
  /** After the restart: the object exists and works, or is absent and can be made again. */
  check: (host: TestHost) => Promise<void>;
}

async function exists(host: TestHost, kind: 'network' | 'container', name: string): Promise<boolean> {
  return (await host.docker([kind, 'inspect', name])).code === 0;
}

/** The container pings its gateway on `network` (as its endpoint there names it). */
async function reachesGateway(host: TestHost, container: string, network: string): Promise<void> {
  const gateway = await host.dockerOk(['inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").Gateway}}`, container]);
  assert.match(gateway, /^\d+\.\d+\.\d+\.\d+$/, `${container} has a gateway on ${network}`);
  const result = await host.docker(['exec', container, 'ping', '-c', '1', '-W', '5', gateway]);
  assert.equal(result.code, 0, `${container} reaches ${gateway} on ${network}: ${result.stdout}${result.stderr}`);
}

/** The network `app` either works (a container on it reaches its gateway) or is gone and is made again. */
async function networkWorks(host: TestHost): Promise<void> {
  if (!(await exists(host, 'network', 'app'))) await host.dockerOk(['network', 'create', 'app']);
  await host.dockerOk(['run', '-d', '--name', 'probe', '--network', 'app', 'busybox', 'sleep', '300']);
  await reachesGateway(host, 'probe', 'app');
}

/** c1 (busybox sleep, default bridge) either exists and starts, or is gone and is made again. */
async function createdWorks(host: TestHost): Promise<void> {
  if (await exists(host, 'container', 'c1')) {
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.State.Status}}', 'c1']), 'created');
    await host.dockerOk(['start', 'c1']);
  } else {
    await host.dockerOk(['run', '-d', '--name', 'c1', 'busybox', 'sleep', '300']);
  }
  await reachesGateway(host, 'c1', 'bridge');
}

/** c1 (nginx, -p 8080:80) was created; it runs now or starts, and answers on its published port. */
async function publishedWorks(host: TestHost): Promise<void> {
  const status = await host.dockerOk(['inspect', '-f', '{{.State.Status}}', 'c1']);
  if (status !== 'running') await host.dockerOk(['start', 'c1']);
  const page = await httpGet(host.netnsPath, 'http://127.0.0.1:8080/');
  assert.match(page.stdout, /Welcome to nginx/, `c1 (was ${status}) answers on 8080`);
  await reachesGateway(host, 'c1', 'bridge');
}

async function attachedToApp(host: TestHost): Promise<boolean> {
  return (await host.dockerOk(['inspect', '-f', '{{if index .NetworkSettings.Networks "app"}}yes{{end}}', 'c1'])) === 'yes';
}

/** Running c1 is on `app` and reaches its gateway, or is not and can be connected again. */
async function connectedWorks(host: TestHost): Promise<void> {
  assert.equal(await host.dockerOk(['inspect', '-f', '{{.State.Status}}', 'c1']), 'running');
  if (!(await attachedToApp(host))) await host.dockerOk(['network', 'connect', 'app', 'c1']);
  await reachesGateway(host, 'c1', 'app');
  await reachesGateway(host, 'c1', 'bridge');
  // The record follows: after a restart of the container it is on app again.
  await host.dockerOk(['restart', '-t', '0', 'c1']);
  assert.ok(await attachedToApp(host), 'c1 rejoins app at its next start');
  await reachesGateway(host, 'c1', 'app');
}

/** Running c1 is still on `app` and reaches it (interface plugged again), or is off it and can disconnect no more. */
async function disconnectedWorks(host: TestHost): Promise<void> {
  assert.equal(await host.dockerOk(['inspect', '-f', '{{.State.Status}}', 'c1']), 'running');
  if (await attachedToApp(host)) {
    await reachesGateway(host, 'c1', 'app');
    await host.dockerOk(['network', 'disconnect', 'app', 'c1']);
  }
  const links = await host.dockerOk(['exec', 'c1', 'cat', '/proc/net/dev']);
  assert.doesNotMatch(links, /eth1/, 'no interface of app is left in c1');
  await reachesGateway(host, 'c1', 'bridge');
  await host.dockerOk(['restart', '-t', '0', 'c1']);
  assert.equal(await attachedToApp(host), false, 'c1 stays off app at its next start');
}

async function removedWorks(host: TestHost): Promise<void> {
  if (await exists(host, 'container', 'c1')) await host.dockerOk(['rm', '-f', 'c1']);
  await host.dockerOk(['run', '-d', '--name', 'c1', 'busybox', 'sleep', '300']);
  await reachesGateway(host, 'c1', 'bridge');
}

const createApp = async (host: TestHost) => void (await host.dockerOk(['network', 'create', 'app']));
const runC1 = async (host: TestHost) => void (await host.dockerOk(['run', '-d', '--name', 'c1', 'busybox', 'sleep', '300']));
const RUN_PUBLISHED = ['run', '-d', '--name', 'c1', '-p', '8080:80', 'nginx'];
const startCase = (point: FailpointName): Case => ({ point, operation: RUN_PUBLISHED, check: publishedWorks });

const GROUPS: Case[][] = [
  [
    { point: 'network.create.after-bridge', operation: ['network', 'create', 'app'], check: networkWorks },
    { point: 'network.create.after-firewall', operation: ['network', 'create', 'app'], check: networkWorks },
    { point: 'network.create.after-store', operation: ['network', 'create', 'app'], check: networkWorks },
    { point: 'network.rm.after-firewall', prepare: createApp, operation: ['network', 'rm', 'app'], check: networkWorks },
    { point: 'network.rm.after-kernel', prepare: createApp, operation: ['network', 'rm', 'app'], check: networkWorks },
    { point: 'container.rm.after-store', prepare: runC1, operation: ['rm', '-f', 'c1'], check: removedWorks },
  ],
  [
    { point: 'container.create.after-dir', operation: ['create', '--name', 'c1', 'busybox', 'sleep', '300'], check: createdWorks },
    { point: 'container.create.after-store', operation: ['create', '--name', 'c1', 'busybox', 'sleep', '300'], check: createdWorks },
    startCase('container.start.after-network'),
    startCase('ports.publish.after-nft'),
    startCase('container.start.after-runtime'),
  ],
  [
    startCase('endpoint.connect.after-store'),
    startCase('container.start.after-store'),
    { point: 'endpoint.connect.after-veth', prepare: async (host) => (await createApp(host), await runC1(host)), operation: ['network', 'connect', 'app', 'c1'], check: connectedWorks },
    { point: 'container.connect.after-endpoint', prepare: async (host) => (await createApp(host), await runC1(host)), operation: ['network', 'connect', 'app', 'c1'], check: connectedWorks },
    {
      point: 'endpoint.disconnect.after-unplug',
      prepare: async (host) => {
        await createApp(host);
        await runC1(host);
        await host.dockerOk(['network', 'connect', 'app', 'c1']);
      },
      operation: ['network', 'disconnect', 'app', 'c1'],
      check: disconnectedWorks,
    },
  ],
];

/** What a crash could leave behind on the test host. */
async function state(host: TestHost): Promise<Record<string, unknown>> {
  const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((line) => line.split(' ')[1] ?? '').filter((target) => target.startsWith(`${host.dir}/`));
  let monitors = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.startsWith('/usr/bin/conmon') && cmdline.includes(host.dir)) monitors += 1;
  }
  const networks = (await host.dockerOk(['network', 'ls', '-q'])).split('\n').filter(Boolean);
  return {
    // Name and MAC of each link, each address: a bridge's carrier flag follows its ports and is not state we own.
    links: (await host.ip(['-br', 'link'])).split('\n').map((line) => line.split(/\s+/).filter((_, index) => index !== 1).slice(0, 2).join(' ')),
    // The kernel's own fe80:: address appears on a bridge once it had a port: not ours either.
    addresses: (await host.ip(['-br', 'addr'])).split('\n').map((line) => line.split(/\s+/).filter((word, index) => index !== 1 && !word.startsWith('fe80:')).join(' ')),
    table: (await host.nft(['list', 'table', 'inet', 'conet'])).stdout,
    mounts,
    monitors,
    sandboxes: (await readdir('/run/netns')).filter((name) => name.startsWith(`conet-${host.daemonShortId}-`)),
    directories: await readdir(join(host.dir, 'data', 'containers')).catch(() => []),
    containers: await host.dockerOk(['ps', '-aq']),
    networks: await host.dockerOk(['network', 'ls', '--format', '{{.Name}} {{.Driver}}']),
    endpoints: await host.dockerOk(['network', 'inspect', '-f', '{{len .Containers}}', ...networks]),
  };
}

async function removeEverything(host: TestHost): Promise<void> {
  const ids = (await host.dockerOk(['ps', '-aq'])).split('\n').filter(Boolean);
  if (ids.length > 0) await host.dockerOk(['rm', '-f', ...ids]);
  await host.dockerOk(['network', 'prune', '-f']);
}

async function crashAndRecover(host: TestHost, item: Case, baseline: Record<string, unknown>): Promise<void> {
  await item.prepare?.(host);
  await host.stop();
  await host.start({ env: { CONET_FAILPOINTS: `${item.point}=crash` } });
  const result = await host.docker(item.operation);
  assert.notEqual(result.code, 0, `${item.operation.join(' ')} must meet the crash`);
  assert.ok(await host.exitedWithin(30_000), `the daemon crashed at ${item.point}`);
  assert.match(await host.log(), new RegExp(`failpoint ${item.point.replaceAll('.', '\\.')}: crashing`));
  await host.start();
  await item.check(host);
  await removeEverything(host);
  assert.deepEqual(await state(host), baseline, `nothing leaked after ${item.point}`);
}

describe('crash at a failpoint, restart: nothing leaked, the state is consistent', { concurrency: GROUPS.length }, () => {
  GROUPS.forEach((group, index) => {
    test(`host ${index + 1}: ${group.map((item) => item.point).join(', ')}`, { timeout: 600_000 }, async () => {
      await withHost(async (host) => {
        await standInImages(host);
        const baseline = await state(host);
        for (const item of group) {
          await crashAndRecover(host, item, baseline).catch((error: unknown) => {
            throw Object.assign(error instanceof Error ? error : new Error(String(error)), { message: `${item.point}: ${(error as Error).message}` });
          });
        }
      });
    });
  });
});
