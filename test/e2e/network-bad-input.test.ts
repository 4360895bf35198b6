/** Bad input gets a clear 4xx and changes nothing: no network, no device, no rule. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withHost, type TestHost } from '../helpers/host.js';

async function snapshot(host: TestHost): Promise<string> {
  const networks = await host.dockerOk(['network', 'ls', '--no-trunc']);
  const links = await host.ip(['-br', 'link']);
  const addrs = await host.ip(['-br', 'addr']);
  const table = (await host.nft(['list', 'table', 'inet', 'conet'])).stdout;
  return [networks, links, addrs, table].join('\n---\n');
}

const CASES: Array<{ what: string; body: string; status: number; message: RegExp }> = [
  { what: 'malformed JSON', body: '{"Name": "x",', status: 400, message: /invalid JSON/ },
  { what: 'not an object', body: '[1,2]', status: 400, message: /JSON object/ },
  { what: 'wrong type', body: '{"Name": "x", "Internal": "yes"}', status: 400, message: /Internal must be a boolean/ },
  { what: 'unknown driver', body: '{"Name": "x", "Driver": "nosuchdriver"}', status: 404, message: /plugin "nosuchdriver" not found/ },
  { what: 'injection as driver', body: '{"Name": "x", "Driver": "; rm -rf /"}', status: 400, message: /invalid driver name/ },
  { what: 'invalid CIDR', body: '{"Name": "x", "IPAM": {"Config": [{"Subnet": "10.99.0/24"}]}}', status: 400, message: /10\.99\.0\/24/ },
  { what: 'prefix too long', body: '{"Name": "x", "IPAM": {"Config": [{"Subnet": "10.0.0.0/33"}]}}', status: 400, message: /10\.0\.0\.0\/33/ },
  { what: 'gateway outside subnet', body: '{"Name": "x", "IPAM": {"Config": [{"Subnet": "10.99.0.0/24", "Gateway": "10.1.1.1"}]}}', status: 400, message: /10\.1\.1\.1/ },
  { what: 'ip-range outside subnet', body: '{"Name": "x", "IPAM": {"Config": [{"Subnet": "10.99.0.0/24", "IPRange": "10.98.0.0/25"}]}}', status: 400, message: /10\.98\.0\.0\/25/ },
  { what: 'name with spaces', body: '{"Name": "my net"}', status: 400, message: /invalid network name/ },
  { what: 'name with shell', body: '{"Name": "$(reboot)"}', status: 400, message: /invalid network name/ },
  { what: 'empty name', body: '{"Name": ""}', status: 400, message: /must not be empty/ },
  { what: 'bridge name injection', body: '{"Name": "x", "Options": {"com.docker.network.bridge.name": "; rm -rf /"}}', status: 400, message: /invalid bridge name/ },
  { what: 'bridge name too long', body: '{"Name": "x", "Options": {"com.docker.network.bridge.name": "abcdefghijklmnop"}}', status: 400, message: /invalid bridge name/ },
  { what: 'mtu injection', body: '{"Name": "x", "Options": {"com.docker.network.driver.mtu": "$(reboot)"}}', status: 400, message: /mtu/i },
  { what: 'bool option garbage', body: '{"Name": "x", "Options": {"com.docker.network.bridge.enable_icc": "`id`"}}', status: 400, message: /enable_icc/ },
  { what: 'host binding injection', body: '{"Name": "x", "Options": {"com.docker.network.bridge.host_binding_ipv4": "1.2.3.4; id"}}', status: 400, message: /host_binding_ipv4/ },
  { what: 'unknown IPAM driver', body: '{"Name": "x", "IPAM": {"Driver": "nosuchipam"}}', status: 404, message: /nosuchipam/ },
  { what: 'gateway injection', body: '{"Name": "x", "IPAM": {"Config": [{"Subnet": "10.99.0.0/24", "Gateway": "10.99.0.1; rm -rf /"}]}}', status: 400, message: /rm -rf/ },
];

test('bad network requests: clear 4xx, nothing changed', async () => {
  await withHost(async (host) => {
    const before = await snapshot(host);
    for (const { what, body, status, message } of CASES) {
      const response = await host.api('POST', '/v1.41/networks/create', body);
      assert.equal(response.status, status, `${what}: status (${response.body})`);
      const parsed = JSON.parse(response.body) as { message: string };
      assert.match(parsed.message, message, what);
    }
    assert.equal(await snapshot(host), before);

    // The same through the CLI.
    const cli = await host.docker(['network', 'create', '--subnet', '300.1.1.0/24', 'bad']);
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /300\.1\.1\.0\/24/);
    const cliGateway = await host.docker(['network', 'create', '--subnet', '10.99.0.0/24', '--gateway', '10.99.1.1', 'bad']);
    assert.match(cliGateway.stderr, /10\.99\.1\.1/);
    const cliName = await host.docker(['network', 'create', 'a/b']);
    assert.equal(cliName.code, 1);
    // Labels are data, never executed: a shell-looking label is stored verbatim.
    await host.dockerOk(['network', 'create', '--label', 'x=$(touch /tmp/conet-pwned)', 'labelled']);
    assert.equal(await host.dockerOk(['network', 'inspect', '-f', '{{index .Labels "x"}}', 'labelled']), '$(touch /tmp/conet-pwned)');
    await host.dockerOk(['network', 'rm', 'labelled']);
    assert.equal(await snapshot(host), before);
  });
});
