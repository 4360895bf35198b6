import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PortMapping } from './intent.js';
import { addPortsScript, removePortsScript } from './nft-ports.js';
import { buildRuleset } from './nft-ruleset.js';
import { publishedPortSysctls } from './port-sysctls.js';
import { assertGolden, defaultBridge, threeNetworks } from './golden.test-support.js';

const web: PortMapping = {
  networkId: defaultBridge.id, bridge: 'conet0', containerAddress: '172.17.0.2',
  protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8000, containerPort: 80,
};
const dualStack = threeNetworks[1]!;
/** S052's mix: a loopback address, udp, a wildcard; plus IPv6 on a dual-stack network. */
const mixed: PortMapping[] = [
  web,
  { ...web, hostIp: '127.0.0.1', hostPort: 8001 },
  { ...web, protocol: 'udp', hostPort: 8002, containerPort: 53 },
  { ...web, protocol: 'sctp', hostIp: '10.0.0.7', hostPort: 9000, containerPort: 9000 },
  { networkId: dualStack.id, bridge: dualStack.bridge, containerAddress: '172.19.0.2', containerAddress6: 'fd00:19::2',
    protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8443, containerPort: 443 },
  { networkId: dualStack.id, bridge: dualStack.bridge, containerAddress: '172.19.0.2', containerAddress6: 'fd00:19:0::2',
    protocol: 'tcp', hostIp: 'fd00::0:1', hostPort: 8444, containerPort: 443 },
];

describe('published ports in buildRuleset', () => {
  it('builds maps, DNAT chains and the hairpin/localhost rules', () => {
    assertGolden('ruleset-ports.nft', buildRuleset({ table: 'conet', networks: [defaultBridge, dualStack], ports: mixed }));
  });

  it('refuses ports on an internal network (Docker publishes nothing there)', () => {
    const internal = threeNetworks[0]!;
    const port = { ...web, networkId: internal.id, bridge: internal.bridge, containerAddress: '172.18.0.2' };
    assert.throws(() => buildRuleset({ table: 'conet', networks: [internal], ports: [port] }),
      { kind: 'invalid', code: 'firewall-port-internal-network' });
  });

  it('refuses ports of a network the state lacks or on the wrong bridge', () => {
    assert.throws(() => buildRuleset({ table: 'conet', networks: [], ports: [web] }), { code: 'firewall-port-unknown-network' });
    assert.throws(() => buildRuleset({ table: 'conet', networks: [defaultBridge], ports: [{ ...web, bridge: 'other' }] }),
      { code: 'firewall-port-unknown-network' });
  });

  it('refuses one host port mapped to two containers', () => {
    assert.throws(() => buildRuleset({ table: 'conet', networks: [defaultBridge], ports: [web, { ...web, containerAddress: '172.17.0.3' }] }),
      { code: 'firewall-duplicate-port' });
  });
});

describe('addPortsScript / removePortsScript', () => {
  it('adds elements grouped per map in one transaction', () => {
    assertGolden('add-ports.nft', addPortsScript('conet', mixed));
  });

  it('removes idempotently: add (no-op if present), then delete by key', () => {
    assertGolden('remove-ports.nft', removePortsScript('conet', mixed));
  });

  it('adding the 1,001st port is the same script as adding the 1st: nothing grows with N', () => {
    const nth = (n: number): PortMapping => ({ ...web, hostPort: 10_000 + n, containerAddress: `172.17.${Math.floor(n / 250)}.${(n % 250) + 2}` });
    const first = addPortsScript('conet', [nth(1)]);
    const later = addPortsScript('conet', [nth(1001)]);
    assert.equal(later.length, first.length);
    assert.equal(later.split('\n').length, 2);
    assert.equal(removePortsScript('conet', [nth(1001)]).length, removePortsScript('conet', [nth(1)]).length);
  });

  it('emits nothing for no mappings', () => {
    assert.equal(addPortsScript('conet', []), '');
    assert.equal(removePortsScript('conet', []), '');
  });

  it('rejects values that are not addresses, ports or protocols', () => {
    const bad: Array<[Partial<PortMapping>, RegExp]> = [
      [{ hostIp: '0.0.0.0 } ; flush ruleset' }, /host IP/],
      [{ hostIp: 'localhost' }, /host IP/],
      [{ containerAddress: '172.17.0.256' }, /container address/],
      [{ hostPort: 0 }, /host port/],
      [{ containerPort: 65536 }, /container port/],
      [{ hostPort: 80.5 }, /host port/],
      [{ protocol: 'icmp' as PortMapping['protocol'] }, /protocol/],
      [{ hostIp: '::' }, /no IPv6 address/],
      [{ hostIp: '::ffff:10.0.0.1', containerAddress6: 'fd00::2' }, /IPv4-mapped/],
      [{ bridge: 'br 0' }, /bridge/],
    ];
    for (const [change, message] of bad) {
      assert.throws(() => addPortsScript('conet', [{ ...web, ...change }]), { kind: 'invalid', message }, JSON.stringify(change));
    }
  });
});

describe('publishedPortSysctls', () => {
  it('lists ip_forward once and route_localnet per bridge, with dotted names as paths', () => {
    assert.deepEqual(publishedPortSysctls(['conet0', 'br-b.x', 'conet0']), [
      { key: 'net.ipv4.ip_forward', path: 'net/ipv4/ip_forward', value: '1' },
      { key: 'net.ipv4.conf.conet0.route_localnet', path: 'net/ipv4/conf/conet0/route_localnet', value: '1' },
      { key: 'net.ipv4.conf.br-b/x.route_localnet', path: 'net/ipv4/conf/br-b.x/route_localnet', value: '1' },
    ]);
  });
});
