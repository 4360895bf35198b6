/** IpSession against the real ip: reads, changes, the failing line named, a sandbox made from it, a restart after a kill. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { IpBatchError, IpSession } from '../../src/kernel/linux/ip-session.js';
import { isAlreadyExists, isNoSuchDevice } from '../../src/kernel/linux/ip-errors.js';
import { LinuxLinks } from '../../src/kernel/linux/links.js';
import { run } from '../../src/exec/index.js';
import { execIn, NetnsSandbox } from '../helpers/netns.js';

test('one long-lived ip: outputs per line, stops at the failing line, classified errors, survives a kill', async () => {
  const namespaces = new NetnsSandbox('conet-t-ips');
  const sandbox = `conet-t-ips-c-${randomBytes(4).toString('hex')}`;
  let session: IpSession | undefined;
  try {
    const ns = await namespaces.create('host');
    session = new IpSession({ netns: ns.path });
    const [made, shown] = await session.run(['link add name br-ips type bridge', 'addr show dev br-ips']);
    assert.equal(made, '');
    assert.equal((JSON.parse(shown ?? '') as Array<{ ifname: string }>)[0]?.ifname, 'br-ips');
    // The second line fails: the third never runs, the error names line 2 and classifies.
    const failure = await session.run(['addr add 10.80.0.1/24 dev br-ips', 'link add name br-ips type bridge', 'addr add 10.80.1.1/24 dev br-ips']).then(
      () => assert.fail('a failing line must reject'),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof IpBatchError);
    assert.equal(failure.line, 1);
    assert.ok(isAlreadyExists(failure));
    const addresses = (await execIn(ns, ['ip', '-br', 'addr', 'show', 'dev', 'br-ips'])).stdout;
    assert.match(addresses, /10\.80\.0\.1\/24/);
    assert.doesNotMatch(addresses, /10\.80\.1\.1/);
    assert.ok(isNoSuchDevice(await session.run(['link del dev nosuch0']).catch((error: unknown) => error)));
    // A veth whose peer lives in a sandbox made outside: the session enslaves and removes the host end.
    await run(['ip', 'netns', 'add', sandbox]);
    await execIn(ns, ['ip', 'link', 'add', 'name', 'veth-ips', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', sandbox]);
    await session.run(['link set dev veth-ips master br-ips up', 'link set dev br-ips up']);
    assert.match((await execIn(ns, ['ip', '-br', 'link', 'show', 'dev', 'veth-ips'])).stdout, /veth-ips/);
    assert.match((await execIn(sandbox, ['ip', '-br', 'link', 'show', 'dev', 'eth0'])).stdout, /eth0/);
    // Concurrent callers are serialised, each with its own answer.
    const names = Array.from({ length: 20 }, (_, index) => `br-ipsx${index}`);
    await Promise.all(names.map((name) => session!.run([`link add name ${name} type bridge`])));
    const links = new LinuxLinks(session);
    // The adapter sends own-namespace work (no target) through the session: this one's namespace.
    const listed = (await links.listLinks()).map((link) => link.name);
    for (const name of [...names, 'br-ips', 'veth-ips']) assert.ok(listed.includes(name), name);
    await session.run(['link del dev veth-ips']);
    assert.doesNotMatch((await execIn(sandbox, ['ip', '-br', 'link'])).stdout, /eth0/, 'the pair is gone with its host end');
    const routes = await links.listRoutes();
    assert.ok(routes.some((route) => route.destination === '10.80.0.0/24' && route.device === 'br-ips'));
    // After a listing, an address read still shows addresses (a `link show` would have hidden them).
    const addresses4 = (await links.listAddresses()).filter((address) => address.family === 'inet').map((address) => address.address);
    assert.ok(addresses4.includes('10.80.0.1'), JSON.stringify(addresses4));
    const bridge = JSON.parse((await session.run(['addr show dev br-ips']))[0] ?? '[]') as Array<{ addr_info?: Array<{ local: string }> }>;
    assert.ok(bridge[0]?.addr_info?.some((info) => info.local === '10.80.0.1'));
    // Killed from outside: the next call starts a new ip.
    const pid = session.pid;
    assert.ok(pid !== undefined && pid > 0);
    process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await session.run(['link del dev br-ipsx0']);
    assert.doesNotMatch((await execIn(ns, ['ip', '-br', 'link'])).stdout, /br-ipsx0 /);
  } finally {
    session?.close();
    await run(['ip', 'netns', 'del', sandbox], { allowFailure: true });
    await namespaces.cleanup();
  }
});
