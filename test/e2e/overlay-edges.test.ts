/**
 * Overlay networks beyond reachability (issue 5, "What to build" 2 and the error paths): outbound
 * traffic leaves through the container's own node, masqueraded to that node's address; a port
 * published by an overlay container answers on the node that runs it; the MTU is the underlay's
 * minus the VXLAN overhead unless set; and bad requests get Docker-style 4xx/501 answers that
 * change nothing — also on a daemon without cluster mode.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { run, startProcess, type ProcessHandle } from '../../src/exec/index.js';
import { TestCluster } from '../helpers/cluster.js';
import { delay, withHost, type TestHost } from '../helpers/host.js';
import { NGINX_PAGE, standInImages } from '../helpers/images.js';

const SLEEPER = ['busybox', 'sleep', '3600'];

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: still not true after ${timeoutMs} ms`);
    await delay(200);
  }
}

async function networkNames(host: TestHost): Promise<string[]> {
  return (await host.dockerOk(['network', 'ls', '--format', '{{.Name}}'])).split('\n').filter(Boolean).sort();
}

describe('overlay: outbound NAT, published ports, MTU and bad input on a two-host cluster', () => {
  let cluster: TestCluster | undefined;
  let echo: ProcessHandle | undefined;
  const hosts = (): [TestHost, TestHost] => {
    const [first, second] = cluster?.hosts ?? [];
    if (!first || !second) throw new Error('cluster not created');
    return [first, second];
  };

  before(async () => {
    cluster = await TestCluster.create({ hosts: 2 });
    // The "outside": a TCP server on the LAN's own address that answers with the peer address it sees.
    const script = "require('net').createServer((s) => s.end(s.remoteAddress.replace('::ffff:', '') + '\\n')).listen(7000, process.argv[1])";
    echo = startProcess(['nsenter', `--net=/run/netns/${cluster.lanNetns}`, '--', process.execPath, '-e', script, cluster.lanGateway]);
    await cluster.explain(async () => {
      await hosts()[0].dockerOk(['network', 'create', '-d', 'overlay', '--subnet', '10.77.0.0/24', 'ove']);
      await eventually('ove on host 2', async () => (await networkNames(hosts()[1])).includes('ove'));
    });
  });

  after(async () => {
    await echo?.stop(2_000);
    await cluster?.dispose();
  });

  it('outbound traffic leaves through the container\'s own node, masqueraded to its address', { timeout: 120_000 }, () => cluster!.explain(async () => {
    const [h1, h2] = hosts();
    await h1.dockerOk(['run', '-d', '--name', 'out1', '--network', 'ove', ...SLEEPER]);
    await h2.dockerOk(['run', '-d', '--name', 'out2', '--network', 'ove', ...SLEEPER]);
    for (const [index, host, name] of [[0, h1, 'out1'], [1, h2, 'out2']] as const) {
      let seen = '';
      // The first contact waits for ARP on the LAN; a few tries absorb that.
      await eventually(`${name} reaches the outside`, async () => {
        const answer = await host.docker(['exec', name, 'nc', '-w', '3', cluster!.lanGateway, '7000']);
        seen = answer.stdout.trim();
        return answer.code === 0 && seen !== '';
      });
      assert.equal(seen, cluster!.addressOf(index), `${name} should reach the outside as its own node`);
    }
  }));

  it('a port published by an overlay container answers on the node that runs it', { timeout: 120_000 }, () => cluster!.explain(async () => {
    const [, h2] = hosts();
    await standInImages(h2);
    await h2.dockerOk(['run', '-d', '--name', 'web', '--network', 'ove', '-p', '8080:80', 'nginx']);
    const port = await h2.dockerOk(['port', 'web', '80']);
    assert.match(port, /0\.0\.0\.0:8080/);
    // From the LAN (another machine's view) to node 2's underlay address.
    await eventually('the page through node 2', async () => {
      const page = await run(['nsenter', `--net=/run/netns/${cluster!.lanNetns}`, '--', 'curl', '-fsS', '--max-time', '3', `http://${cluster!.addressOf(1)}:8080/`], { allowFailure: true, timeoutMs: 10_000 });
      return page.code === 0 && page.stdout === NGINX_PAGE;
    });
    // The other node does not answer for it: ports are published where the container runs.
    const other = await run(['nsenter', `--net=/run/netns/${cluster!.lanNetns}`, '--', 'curl', '-fsS', '--max-time', '3', `http://${cluster!.addressOf(0)}:8080/`], { allowFailure: true, timeoutMs: 10_000 });
    assert.notEqual(other.code, 0);
  }));

  it('MTU: the underlay\'s minus 50 by default, the given one with com.docker.network.driver.mtu', { timeout: 120_000 }, () => cluster!.explain(async () => {
    const [h1] = hosts();
    await h1.dockerOk(['run', '-d', '--name', 'mtu1', '--network', 'ove', ...SLEEPER]);
    assert.match(await h1.dockerOk(['exec', 'mtu1', 'cat', '/sys/class/net/eth0/mtu']), /^1450$/);
    await h1.dockerOk(['network', 'create', '-d', 'overlay', '-o', 'com.docker.network.driver.mtu=1300', 'ovm']);
    await h1.dockerOk(['run', '-d', '--name', 'mtu2', '--network', 'ovm', ...SLEEPER]);
    assert.match(await h1.dockerOk(['exec', 'mtu2', 'cat', '/sys/class/net/eth0/mtu']), /^1300$/);
    const vxlan = await h1.ip(['-d', 'link', 'show', 'type', 'vxlan']);
    assert.match(vxlan, /mtu 1300 .*\n.*\n\s+vxlan id \d+ local 10\.99\.0\.11 .*dstport 4789 nolearning proxy/);
  }));

  it('bad overlay requests: clear 4xx/501, nothing created anywhere', { timeout: 120_000 }, () => cluster!.explain(async () => {
    const [h1, h2] = hosts();
    const before1 = await networkNames(h1);
    const cases: Array<{ body: Record<string, unknown>; status: number; message: RegExp }> = [
      { body: { Name: 'bad1', Driver: 'overlay', Options: { mode: 'geneve' } }, status: 400, message: /invalid overlay mode "geneve"/ },
      { body: { Name: 'bad2', Driver: 'overlay', Options: { encrypted: '' } }, status: 501, message: /encrypted overlay/ },
      { body: { Name: 'bad3', Driver: 'overlay', EnableIPv6: true }, status: 501, message: /IPv6 on overlay/ },
      { body: { Name: 'bad4', Driver: 'overlay', Options: { 'com.docker.network.driver.overlay.vxlanid_list': '99999999' } }, status: 400, message: /vxlanid_list/ },
      { body: { Name: 'ove', Driver: 'overlay' }, status: 409, message: /network with name ove already exists/ },
      { body: { Name: 'bad5', Driver: 'overlay', IPAM: { Config: [{ Subnet: '10.77.0.0/24' }] } }, status: 403, message: /overlaps/ },
      { body: { Name: 'bad6', Driver: 'overlay', Options: { mode: 'host-gw', host_prefix: '8' }, IPAM: { Config: [{ Subnet: '10.78.0.0/16' }] } }, status: 400, message: /host_prefix/ },
    ];
    for (const { body, status, message } of cases) {
      const answer = await h1.api('POST', '/networks/create', JSON.stringify(body));
      assert.equal(answer.status, status, `${JSON.stringify(body)} -> ${answer.body}`);
      assert.match((JSON.parse(answer.body) as { message: string }).message, message);
    }
    const vni = (await h1.dockerOk(['network', 'inspect', 'ove', '--format', '{{index .Options "com.docker.network.driver.overlay.vxlanid_list"}}'])).trim();
    const taken = await h2.api('POST', '/networks/create', JSON.stringify({ Name: 'bad7', Driver: 'overlay', Options: { 'com.docker.network.driver.overlay.vxlanid_list': vni } }));
    assert.equal(taken.status, 403, taken.body);
    assert.deepEqual(await networkNames(h1), before1);
    assert.deepEqual((await networkNames(h2)).filter((name) => name.startsWith('bad')), []);
  }));

  it('a daemon restarted while etcd is down starts from its saved cluster state, keeps its containers talking, and catches up', { timeout: 180_000 }, () => cluster!.explain(async () => {
    const [h1, h2] = hosts();
    await h1.dockerOk(['run', '-d', '--name', 'keep1', '--network', 'ove', ...SLEEPER]);
    await h2.dockerOk(['run', '-d', '--name', 'keep2', '--network', 'ove', ...SLEEPER]);
    await eventually('keep1 reaches keep2 by name', async () => (await h1.docker(['exec', 'keep1', 'ping', '-c1', '-W2', 'keep2'])).code === 0);
    await delay(1_500); // the mirror copy is written at most once a second
    await cluster!.etcd.stop();
    try {
      await h1.restart();
      assert.match(await h1.log(), /starting from the cluster state saved by the last run/);
      assert.ok((await networkNames(h1)).includes('ove'), 'the overlay network is known from the saved state');
      await eventually('keep1 still reaches keep2 by name', async () => (await h1.docker(['exec', 'keep1', 'ping', '-c1', '-W2', 'keep2'])).code === 0);
      const refused = await h1.api('POST', '/networks/create', JSON.stringify({ Name: 'later', Driver: 'overlay' }));
      assert.equal(refused.status, 503, refused.body);
    } finally {
      await cluster!.etcd.resume();
    }
    await eventually('writes work again without a restart', async () => (await h1.api('POST', '/networks/create', JSON.stringify({ Name: 'later', Driver: 'overlay' }))).status === 201, 20_000);
    await eventually('host 2 sees it', async () => (await networkNames(h2)).includes('later'));
  }));

  it('two hosts creating the same name at once: exactly one wins', { timeout: 60_000 }, () => cluster!.explain(async () => {
    const [h1, h2] = hosts();
    const results = await Promise.all([h1, h2].map((host) => host.api('POST', '/networks/create', JSON.stringify({ Name: 'race', Driver: 'overlay' }))));
    assert.deepEqual(results.map((result) => result.status).sort(), [201, 409], results.map((result) => result.body).join(' | '));
    await h1.dockerOk(['network', 'rm', 'race']);
    await eventually('race gone on host 2', async () => !(await networkNames(h2)).includes('race'));
  }));
});

describe('overlay without cluster mode', () => {
  it('answers 501 saying how to turn cluster mode on, and creates nothing', { timeout: 60_000 }, () => withHost(async (host) => {
    const before = await host.dockerOk(['network', 'ls', '-q']);
    const answer = await host.docker(['network', 'create', '-d', 'overlay', 'ov']);
    assert.notEqual(answer.code, 0);
    assert.match(answer.stderr, /overlay driver needs cluster mode: start conetd with --cluster-store etcd:\/\/HOST:PORT --cluster-advertise ADDR/);
    const raw = await host.api('POST', '/networks/create', JSON.stringify({ Name: 'ov', Driver: 'overlay' }));
    assert.equal(raw.status, 501);
    assert.equal(await host.dockerOk(['network', 'ls', '-q']), before);
  }));
});
