import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CONET_ROUTE_PROTOCOL,
  findUnderlay,
  normalizeCidr,
  parseFdb,
  parseNeighbours,
  parseOwnedRoutes,
  parseVxlanLink,
  peerCommands,
  peerRouteCommands,
  vxlanConfigureCommands,
  vxlanCreateCommands,
  vxlanMatches,
} from './overlay-entries.js';

const spec = { name: 'vx-0123456789ab', vni: 4242, local: '10.98.0.1', port: 4789, mtu: 1450, master: 'br-ov', alias: 'conet-ov:abc' };

const linkJson = (overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}): string =>
  JSON.stringify([
    {
      ifname: 'vx-0123456789ab',
      flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
      mtu: 1450,
      ifalias: 'conet-ov:abc',
      master: 'br-ov',
      linkinfo: { info_kind: 'vxlan', info_data: { id: 4242, local: '10.98.0.1', port: 4789, learning: false, proxy: true, ttl: 0, ...data } },
      ...overrides,
    },
  ]);

test('a new VXLAN device is created, marked, enslaved and brought up in one batch', () => {
  assert.deepEqual(vxlanCreateCommands(spec), [
    'link add name vx-0123456789ab mtu 1450 type vxlan id 4242 local 10.98.0.1 dstport 4789 nolearning proxy',
    'link set dev vx-0123456789ab alias "conet-ov:abc"',
    'link set dev vx-0123456789ab master br-ov',
    'link set dev vx-0123456789ab up',
  ]);
});

test('an existing device that matches needs no command; drifted mtu/alias/master/up are set back', () => {
  const current = parseVxlanLink(linkJson());
  assert.ok(current);
  assert.ok(vxlanMatches(spec, current));
  assert.deepEqual(vxlanConfigureCommands(spec, current), []);
  const drifted = parseVxlanLink(linkJson({ flags: ['BROADCAST'], mtu: 1500, ifalias: undefined, master: undefined }));
  assert.ok(drifted);
  assert.ok(vxlanMatches(spec, drifted), 'mtu, alias, master and state are not identity');
  assert.deepEqual(vxlanConfigureCommands(spec, drifted), [
    'link set dev vx-0123456789ab mtu 1450',
    'link set dev vx-0123456789ab alias "conet-ov:abc"',
    'link set dev vx-0123456789ab master br-ov',
    'link set dev vx-0123456789ab up',
  ]);
});

test('another vni, port, local, learning on or proxy off means replace; IPv6 local is read from local6', () => {
  for (const data of [{ id: 1 }, { port: 8472 }, { local: '10.98.0.9' }, { learning: true }, { proxy: false }]) {
    const current = parseVxlanLink(linkJson({}, data));
    assert.ok(current);
    assert.equal(vxlanMatches(spec, current), false, JSON.stringify(data));
  }
  const v6 = parseVxlanLink(linkJson({}, { local: undefined, local6: 'FD98:0::1' }));
  assert.equal(v6?.local, 'fd98::1');
  assert.ok(v6 && vxlanMatches({ ...spec, local: 'fd98:0:0::1' }, v6));
  assert.equal(parseVxlanLink('[]'), undefined);
  assert.equal(parseVxlanLink(JSON.stringify([{ ifname: 'vx-x', linkinfo: { info_kind: 'veth' } }]))?.kind, 'veth');
});

test('unsafe values never reach a batch line', () => {
  assert.throws(() => vxlanCreateCommands({ ...spec, local: '10.0.0.1\nlink del dev eth0' }), /invalid IP address/);
  assert.throws(() => peerCommands('vx a', [], [], []), /invalid device name/);
  assert.throws(() => peerCommands('vx0', [{ mac: '02:42:0a:00:09:03 dev eth0', address: '10.0.9.3', vtep: '10.98.0.2' }], [], []), /invalid MAC/);
  assert.throws(() => vxlanConfigureCommands({ ...spec, alias: 'a"b' }, { name: spec.name, kind: 'vxlan', mtu: 1450, alias: '', master: 'br-ov', up: true }), /invalid alias/);
});

const fdbJson = JSON.stringify([
  { mac: '26:a9:39:1d:00:82', flags: [], master: 'br-ov', state: 'permanent' },
  { mac: '00:00:00:00:00:00', dst: '10.98.0.3', flags: ['self'], state: 'permanent' },
  { mac: '02:42:0A:00:09:03', dst: '10.98.0.2', flags: ['self'], state: 'permanent' },
  { mac: '02:42:0a:00:09:04', dst: '10.98.0.4', flags: ['self'], state: '' },
  { mac: '02:42:0a:00:09:05', dst: '10.98.0.5', flags: ['self'], state: 'permanent' },
]);

const neighJson = JSON.stringify([
  { dst: '10.0.9.3', lladdr: '02:42:0a:00:09:03', state: ['PERMANENT'] },
  { dst: 'FD09:0::3', lladdr: '02:42:0a:00:09:03', state: ['PERMANENT'] },
  { dst: '10.0.9.5', lladdr: '02:42:0a:00:09:05', state: ['PERMANENT'] },
  { dst: '10.0.9.7', lladdr: '02:42:0a:00:09:07', state: ['REACHABLE'] },
  { dst: '10.0.9.8', state: ['FAILED'] },
]);

test('only permanent self entries with a destination, and permanent neighbours, are read as ours', () => {
  assert.deepEqual(parseFdb(fdbJson), [
    { mac: '02:42:0a:00:09:03', vtep: '10.98.0.2' },
    { mac: '02:42:0a:00:09:05', vtep: '10.98.0.5' },
  ]);
  assert.deepEqual(parseNeighbours(neighJson), [
    { address: '10.0.9.3', mac: '02:42:0a:00:09:03' },
    { address: 'fd09::3', mac: '02:42:0a:00:09:03' },
    { address: '10.0.9.5', mac: '02:42:0a:00:09:05' },
  ]);
  assert.deepEqual(parseFdb(''), []);
});

test('setting the same peers again changes nothing', () => {
  const peers = [
    { mac: '02:42:0a:00:09:03', address: '10.0.9.3', vtep: '10.98.0.2' },
    { mac: '02:42:0A:00:09:03', address: 'fd09::3', vtep: '10.98.0.2' },
    { mac: '02:42:0a:00:09:05', address: '10.0.9.5', vtep: '10.98.0.5' },
  ];
  assert.deepEqual(peerCommands('vx0', peers, parseFdb(fdbJson), parseNeighbours(neighJson)), { bridge: [], ip: [] });
});

test('stale entries are deleted before the new ones are written; a moved MAC gets its new VTEP', () => {
  const peers = [
    { mac: '02:42:0a:00:09:03', address: '10.0.9.3', vtep: '10.98.0.9' }, // node moved
    { mac: '02:42:0a:00:09:06', address: '10.0.9.6', vtep: '10.98.0.2' }, // new
    { mac: '02:42:0a:00:09:06', address: '10.0.9.5', vtep: '10.98.0.2' }, // address now elsewhere
  ];
  assert.deepEqual(peerCommands('vx0', peers, parseFdb(fdbJson), parseNeighbours(neighJson)), {
    bridge: [
      'fdb del 02:42:0a:00:09:03 dev vx0 dst 10.98.0.2 self',
      'fdb del 02:42:0a:00:09:05 dev vx0 dst 10.98.0.5 self',
      'fdb replace 02:42:0a:00:09:03 dev vx0 dst 10.98.0.9 self permanent',
      'fdb replace 02:42:0a:00:09:06 dev vx0 dst 10.98.0.2 self permanent',
    ],
    ip: [
      'neigh del fd09::3 dev vx0',
      'neigh replace 10.0.9.6 lladdr 02:42:0a:00:09:06 dev vx0 nud permanent',
      'neigh replace 10.0.9.5 lladdr 02:42:0a:00:09:06 dev vx0 nud permanent',
    ],
  });
  assert.deepEqual(peerCommands('vx0', [], parseFdb(fdbJson), parseNeighbours(neighJson)), {
    bridge: ['fdb del 02:42:0a:00:09:03 dev vx0 dst 10.98.0.2 self', 'fdb del 02:42:0a:00:09:05 dev vx0 dst 10.98.0.5 self'],
    ip: ['neigh del 10.0.9.3 dev vx0', 'neigh del fd09::3 dev vx0', 'neigh del 10.0.9.5 dev vx0'],
  });
});

test('a MAC with a second remote keeps one; contradictory peers are rejected', () => {
  const twoRemotes = [
    { mac: '02:42:0a:00:09:03', vtep: '10.98.0.2' },
    { mac: '02:42:0a:00:09:03', vtep: '10.98.0.3' },
  ];
  assert.deepEqual(peerCommands('vx0', [{ mac: '02:42:0a:00:09:03', address: '10.0.9.3', vtep: '10.98.0.2' }], twoRemotes, []).bridge, [
    'fdb del 02:42:0a:00:09:03 dev vx0 dst 10.98.0.3 self',
  ]);
  assert.throws(
    () => peerCommands('vx0', [{ mac: '02:42:0a:00:09:03', address: '10.0.9.3', vtep: '10.98.0.2' }, { mac: '02:42:0a:00:09:03', address: '10.0.9.4', vtep: '10.98.0.3' }], [], []),
    /two VTEPs/,
  );
  assert.throws(
    () => peerCommands('vx0', [{ mac: '02:42:0a:00:09:03', address: '10.0.9.3', vtep: '10.98.0.2' }, { mac: '02:42:0a:00:09:04', address: '10.0.9.3', vtep: '10.98.0.2' }], [], []),
    /two MACs/,
  );
});

const routesJson = JSON.stringify([
  { dst: '10.0.10.64/26', gateway: '10.98.0.2', dev: 'u0', protocol: '147', flags: [] },
  { dst: '10.0.10.5', gateway: '10.98.0.2', dev: 'u0', protocol: '147', flags: [] },
  { dst: 'fd10::/64', gateway: 'fd98::2', dev: 'u0', protocol: '147', metric: 1024, flags: [], pref: 'medium' },
  { dst: '10.0.11.0/24', gateway: '10.98.0.2', dev: 'u0', protocol: '147', table: '100', flags: [] },
  { dst: '10.0.12.0/24', gateway: '10.98.0.2', dev: 'u0', protocol: 'static', flags: [] },
]);

test('only main-table routes with our protocol are ours; host routes and v6 are normalized', () => {
  assert.equal(CONET_ROUTE_PROTOCOL, 147);
  assert.deepEqual(parseOwnedRoutes(routesJson), [
    { destination: '10.0.10.64/26', via: '10.98.0.2' },
    { destination: '10.0.10.5/32', via: '10.98.0.2' },
    { destination: 'fd10::/64', via: 'fd98::2', metric: 1024 },
  ]);
  assert.equal(normalizeCidr('default'), '0.0.0.0/0');
  assert.equal(normalizeCidr('default', 6), '::/0');
  assert.throws(() => normalizeCidr('10.0.0.0/33'), /invalid CIDR/);
});

test('peer routes: unchanged ones stay, stale ones go (by protocol), new ones are added, never replaced', () => {
  const current = parseOwnedRoutes(routesJson);
  assert.deepEqual(
    peerRouteCommands(
      [
        { destination: '10.0.10.64/26', via: '10.98.0.2' },
        { destination: '10.0.10.5/32', via: '10.98.0.2' },
        { destination: 'fd10:0::/64', via: 'fd98::2' },
      ],
      current,
    ),
    [],
  );
  assert.deepEqual(
    peerRouteCommands(
      [
        { destination: '10.0.10.64/26', via: '10.98.0.3' },
        { destination: '10.0.10.128/26', via: '10.98.0.4' },
      ],
      current,
    ),
    [
      'route del 10.0.10.64/26 via 10.98.0.2 proto 147',
      'route del 10.0.10.5/32 via 10.98.0.2 proto 147',
      'route del fd10::/64 via fd98::2 proto 147 metric 1024',
      'route add 10.0.10.64/26 via 10.98.0.3 proto 147',
      'route add 10.0.10.128/26 via 10.98.0.4 proto 147',
    ],
  );
  assert.throws(() => peerRouteCommands([{ destination: '10.0.10.0/26', via: 'fd98::2' }], []), /families differ/);
  assert.throws(
    () => peerRouteCommands([{ destination: '10.0.10.0/26', via: '10.98.0.2' }, { destination: '10.0.10.0/26', via: '10.98.0.3' }], []),
    /two gateways/,
  );
});

test('the underlay is the link holding the address', () => {
  const text = JSON.stringify([
    { ifname: 'lo', mtu: 65536, addr_info: [{ family: 'inet', local: '127.0.0.1' }] },
    { ifname: 'eth0', mtu: 9000, addr_info: [{ family: 'inet', local: '10.98.0.1' }, { family: 'inet6', local: 'fd98::1' }] },
  ]);
  assert.deepEqual(findUnderlay(text, '10.98.0.1'), { device: 'eth0', mtu: 9000 });
  assert.deepEqual(findUnderlay(text, 'FD98:0::1'), { device: 'eth0', mtu: 9000 });
  assert.equal(findUnderlay(text, '10.98.0.2'), undefined);
});
