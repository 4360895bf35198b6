/** Bad container input: Docker's status and message, and nothing left behind. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withHost, type TestHost } from '../helpers/host.js';

async function snapshot(host: TestHost): Promise<string> {
  const containers = await host.dockerOk(['ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.State}}']);
  const links = await host.ip(['-br', 'link']);
  const table = (await host.nft(['list', 'table', 'inet', 'conet'])).stdout;
  const namespaces = (await host.docker(['info', '--format', '{{.ContainersRunning}}'])).stdout;
  return [containers, links, table, namespaces].join('\n---\n');
}

const CREATE_CASES: Array<{ what: string; body: Record<string, unknown>; status: number; message: RegExp }> = [
  { what: 'invalid port spec', body: { Image: 'busybox', HostConfig: { PortBindings: { 'eighty/tcp': [{ HostPort: '8000' }] } } }, status: 400, message: /invalid port specification/ },
  { what: 'port out of range', body: { Image: 'busybox', HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '70000' }] } } }, status: 400, message: /port out of range|invalid port specification/ },
  { what: 'bad protocol', body: { Image: 'busybox', HostConfig: { PortBindings: { '80/xyz': [{ HostPort: '8000' }] } } }, status: 400, message: /invalid proto/ },
  { what: 'bad host IP', body: { Image: 'busybox', HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '1.2.3', HostPort: '8000' }] } } }, status: 400, message: /1\.2\.3/ },
  { what: 'image that does not exist', body: { Image: 'nosuchimage' }, status: 404, message: /No such image: nosuchimage:latest/ },
  { what: 'malformed JSON', body: { Image: 5 }, status: 400, message: /Image must be a string/ },
];

test('bad container requests: Docker status and message, nothing created', async () => {
  await withHost(async (host) => {
    await host.dockerOk(['run', '-d', '--name', 'taken', 'busybox', 'sleep', '300']);
    const before = await snapshot(host);
    for (const { what, body, status, message } of CREATE_CASES) {
      const response = await host.api('POST', '/v1.41/containers/create', JSON.stringify(body));
      assert.equal(response.status, status, `${what}: ${response.body}`);
      assert.match((JSON.parse(response.body) as { message: string }).message, message, what);
    }
    const taken = await host.api('POST', '/v1.41/containers/create?name=taken', JSON.stringify({ Image: 'busybox' }));
    assert.equal(taken.status, 409);
    assert.match(taken.body, /The container name \\"\/taken\\" is already in use by container/);
    const badName = await host.api('POST', '/v1.41/containers/create?name=a%20b', JSON.stringify({ Image: 'busybox' }));
    assert.equal(badName.status, 400);
    assert.match(badName.body, /Invalid container name \(a b\)/);
    assert.equal(await snapshot(host), before);
    // An unknown network is found missing at start, as dockerd does it (create succeeds).
    const lost = JSON.parse((await host.api('POST', '/v1.41/containers/create?name=lost', JSON.stringify({ Image: 'busybox', HostConfig: { NetworkMode: 'nosuchnet' } }))).body) as { Id: string };
    const started = await host.api('POST', `/v1.41/containers/${lost.Id}/start`);
    assert.equal(started.status, 404);
    assert.match(started.body, /network nosuchnet not found/);
    await host.dockerOk(['rm', 'lost']);

    // Through the CLI: the same messages, exit 125, and a host address that isn't ours.
    const cliNetwork = await host.docker(['run', '-d', '--name', 'lost2', '--network', 'nosuchnet', 'busybox', 'true']);
    assert.equal(cliNetwork.code, 125);
    assert.match(cliNetwork.stderr, /network nosuchnet not found/);
    await host.dockerOk(['rm', 'lost2']);
    const cliName = await host.docker(['run', '-d', '--name', 'taken', 'busybox', 'true']);
    assert.equal(cliName.code, 125);
    assert.match(cliName.stderr, /Conflict\. The container name "\/taken" is already in use/);
    const cliPull = await host.docker(['run', '-d', 'nosuchimage', 'true']);
    assert.equal(cliPull.code, 125);
    // The CLI pulls after the 404; docker.io is out of reach from the test namespace, and the
    // error says so in Docker's words, with nothing created.
    assert.match(cliPull.stderr, /Unable to find image 'nosuchimage:latest' locally/);
    assert.match(cliPull.stderr, /registry-1\.docker\.io/);
    const foreign = await host.docker(['run', '-d', '--name', 'foreign', '-p', '192.0.2.99:8002:80', 'busybox', 'httpd', '-f']);
    assert.equal(foreign.code, 125);
    assert.match(foreign.stderr, /cannot assign requested address/);
    await host.dockerOk(['rm', 'foreign']);
    assert.equal(await snapshot(host), before);
  });
});
