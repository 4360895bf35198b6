import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeKernel } from '../kernel/fake/fake-kernel.js';
import { FirewallService } from './firewall-service.js';
import { defaultBridge } from './golden.test-support.js';
import { networkRules } from './nft-network.js';
import { buildRuleset } from './nft-ruleset.js';
import { userTableScript } from './nft-guards.js';
import { endpointFlushes, publishFlushes, unpublishFlushes } from './conntrack-filters.js';
import type { PortMapping } from './intent.js';

test('the ruleset drops loopback destinations from the wire before conntrack (raw priority)', () => {
  const ruleset = buildRuleset({ table: 'conet', networks: [] });
  assert.match(ruleset, /chain raw-prerouting \{\n\t\ttype filter hook prerouting priority raw; policy accept;\n\t\tiifname != "lo" ip daddr 127\.0\.0\.0\/8 drop\n\t\tiifname != "lo" ip6 daddr ::1 drop\n/);
  assert.doesNotMatch(ruleset, /conet-user/, 'the replace never touches the users\' table');
});

test('the users\' table: one empty forward chain at filter - 10', () => {
  assert.equal(userTableScript('conet'), 'table inet conet-user {\n\tchain forward {\n\t\ttype filter hook forward priority filter - 10; policy accept;\n\t}\n}\n');
  assert.throws(() => userTableScript('x; flush ruleset'), /invalid nftables table name/);
});

test('gateway_mode_ipv4=routed: IPv4 may come in unsolicited and leaves without masquerade', () => {
  const nat = networkRules(defaultBridge);
  assert.deepEqual(nat.to, ['ct state established,related accept', 'ct status dnat accept', 'drop']);
  const routed = networkRules({ ...defaultBridge, routed4: true, subnets6: ['fd00:1::/64'] });
  assert.deepEqual(routed.to, ['ct state established,related accept', 'ct status dnat accept', 'meta nfproto ipv4 accept', 'drop']);
  assert.deepEqual(routed.masquerade, ['oifname != "conet0" ip6 saddr fd00:1::/64 masquerade'], 'IPv6 keeps its NAT');
  const internal = networkRules({ ...defaultBridge, routed4: true, internal: true });
  assert.deepEqual(internal.to, ['drop'], 'internal stays closed');
});

test('heal: rebuilds our table only when it is gone; creates the users\' table only when missing', async () => {
  const kernel = new FakeKernel();
  const service = new FirewallService(kernel.firewall, 'conet');
  await service.rebuild([defaultBridge]);
  assert.equal(kernel.scripts.length, 2);
  assert.equal(await service.heal(), false, 'nothing missing: nothing applied');
  assert.equal(kernel.scripts.length, 2);
  await kernel.firewall.apply('delete table inet conet\ndelete table inet conet-user\n');
  assert.equal(await service.heal(), true);
  assert.match(kernel.scripts.at(-2) ?? '', /table inet conet \{[\s\S]*conet0/, 'rebuilt with the network it holds');
  assert.match(kernel.scripts.at(-1) ?? '', /^table inet conet-user \{/);
});

const udp: PortMapping = { networkId: defaultBridge.id, bridge: 'conet0', containerAddress: '172.17.0.2', protocol: 'udp', hostIp: '0.0.0.0', hostPort: 5353, containerPort: 53 };

test('conntrack flushes: UDP ports when published, DNATed flows when unpublished, every flow of a leaving address', async () => {
  assert.deepEqual(publishFlushes([udp, { ...udp, protocol: 'tcp' }]), [{ family: 'ipv4', protocol: 'udp', destinationPort: 5353 }]);
  assert.deepEqual(publishFlushes([{ ...udp, hostIp: '10.0.0.1' }]), [{ family: 'ipv4', destination: '10.0.0.1', protocol: 'udp', destinationPort: 5353 }]);
  assert.deepEqual(unpublishFlushes([udp]), [{ replySource: '172.17.0.2', protocol: 'udp', destinationPort: 5353 }]);
  assert.deepEqual(endpointFlushes(['172.17.0.2/16', '']), [{ source: '172.17.0.2' }, { destination: '172.17.0.2' }, { replySource: '172.17.0.2' }]);
  const kernel = new FakeKernel();
  const service = new FirewallService(kernel.firewall, 'conet');
  await service.rebuild([defaultBridge]);
  await service.addPorts('c1', [udp]);
  await service.removePorts('c1');
  assert.deepEqual(kernel.conntrackFlushes, [...publishFlushes([udp]), ...unpublishFlushes([udp])]);
});
