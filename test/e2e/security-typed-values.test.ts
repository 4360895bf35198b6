/**
 * Issue 10, item 2: request text never reaches an `ip -batch` script. The attack of the review,
 * exactly: a per-network MAC address with newlines that, put into the batch that plugs the veth,
 * ran `netns add X` and `netns exec X touch FILE` as root on the host at `start`. Sent over raw
 * HTTP (the CLI would refuse the MAC itself); X and FILE are unique to the run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/exec/index.js';
import { withHost, type TestHost } from '../helpers/host.js';

async function namespaces(): Promise<string[]> {
  return (await run(['ip', 'netns', 'list'])).stdout.split('\n').map((line) => line.split(' ')[0] ?? '').filter(Boolean);
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

function hostileMac(netns: string, file: string): string {
  return `02:42:ac:11:00:99\nnetns add ${netns}\nnetns exec ${netns} touch ${file}`;
}

async function assertNothingMade(netns: string, file: string, when: string): Promise<void> {
  assert.ok(!(await namespaces()).includes(netns), `${when}: no namespace ${netns}`);
  assert.ok(!(await exists(file)), `${when}: no file ${file}`);
}

async function attack(host: TestHost, network: string, netns: string, file: string): Promise<void> {
  const mac = hostileMac(netns, file);
  const name = `atk-${randomBytes(3).toString('hex')}`;
  const body = { Image: 'busybox', Cmd: ['sleep', '30'], HostConfig: { NetworkMode: network }, NetworkingConfig: { EndpointsConfig: { [network]: { MacAddress: mac } } } };
  const created = await host.api('POST', `/v1.41/containers/create?name=${name}`, JSON.stringify(body));
  assert.equal(created.status, 400, `create: ${created.body}`);
  assert.match((JSON.parse(created.body) as { message: string }).message, new RegExp(`EndpointsConfig\\.${network}\\.MacAddress: invalid MAC address`));
  const started = await host.api('POST', `/v1.41/containers/${name}/start`);
  assert.equal(started.status, 404, `nothing to start: ${started.body}`);
  await assertNothingMade(netns, file, 'container create');

  // The other door: POST /networks/{id}/connect with the same EndpointConfig, then start.
  await host.dockerOk(['create', '--name', name, '--network', 'none', 'busybox', 'sleep', '30']);
  const connected = await host.api('POST', `/v1.41/networks/${network}/connect`, JSON.stringify({ Container: name, EndpointConfig: { MacAddress: mac } }));
  assert.equal(connected.status, 400, `connect: ${connected.body}`);
  assert.match(connected.body, /MacAddress: invalid MAC address/);
  await host.dockerOk(['start', name]);
  await assertNothingMade(netns, file, 'network connect and start');
  await host.dockerOk(['rm', '-f', name]);
}

test('a MAC address with newlines is a 400 naming the field and runs nothing (create and connect)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-atk-'));
  const netns = `conet-t-atk-${randomBytes(4).toString('hex')}`;
  const file = join(dir, `owned-${randomBytes(4).toString('hex')}`);
  try {
    await withHost(async (host) => {
      const network = `n${randomBytes(3).toString('hex')}`;
      await host.dockerOk(['network', 'create', network]);
      await attack(host, network, netns, file);
      await host.dockerOk(['network', 'rm', network]);
    });
  } finally {
    // Only what this test's attack would have made, by its unique names.
    if ((await namespaces()).includes(netns)) await run(['ip', 'netns', 'del', netns], { allowFailure: true });
    await rm(dir, { recursive: true, force: true });
  }
  await assertNothingMade(netns, file, 'after the run');
});
