import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeContainerCreate } from './container-create.js';

const base = { Image: 'busybox', Cmd: ['true'], HostConfig: {} as Record<string, unknown> };

test('decodes what the v28 CLI sends for -d -p 8000:80 --network my_bridge --ip', () => {
  const request = decodeContainerCreate({
    ...base,
    Tty: true,
    ExposedPorts: { '80/tcp': {} },
    HostConfig: { NetworkMode: 'my_bridge', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8000' }] }, Dns: [], DnsOptions: [], DnsSearch: [], ExtraHosts: null },
    NetworkingConfig: { EndpointsConfig: { my_bridge: { IPAMConfig: { IPv4Address: '172.18.0.50' }, Aliases: ['web'], GwPriority: 0, DNSNames: null } } },
  });
  assert.equal(request.hostConfig.networkMode, 'my_bridge');
  assert.deepEqual(request.hostConfig.portBindings, [{ containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: { start: 8000, end: 8000 } }]);
  assert.deepEqual(request.endpointRequests['my_bridge'], { aliases: ['web'], ipv4Address: '172.18.0.50', ipv6Address: '', macAddress: '' });
  assert.deepEqual(request.config.exposedPorts, { '80/tcp': {} });
  assert.equal(request.config.tty, true);
});

test('port bindings: typed once, host addresses canonical, dynamic and ranged host ports', () => {
  const request = decodeContainerCreate({
    ...base,
    HostConfig: { PortBindings: { '53/UDP': [{ HostIp: '[::1]', HostPort: '8000-8005' }], '80': [{ HostPort: '' }, { HostIp: '0.0.0.0', HostPort: '0' }], '81/tcp': null } },
  });
  assert.deepEqual(request.hostConfig.portBindings, [
    { containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: null },
    { containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: null },
    { containerPort: 53, protocol: 'udp', hostIp: '::1', hostPort: { start: 8000, end: 8005 } },
  ]);
});

test("bad port specs are 400s with Docker's messages", () => {
  const ports = (PortBindings: unknown) => () => decodeContainerCreate({ ...base, HostConfig: { PortBindings } });
  assert.throws(ports({ 'eighty/tcp': [{ HostPort: '8000' }] }), { kind: 'invalid', message: 'invalid port specification: "eighty"' });
  assert.throws(ports({ '80/tcp': [{ HostPort: '70000' }] }), { kind: 'invalid', message: 'invalid port specification: "70000": port out of range (1-65535)' });
  assert.throws(ports({ '80/xyz': [{ HostPort: '8000' }] }), { kind: 'invalid', message: 'invalid proto: xyz' });
  assert.throws(ports({ '80/tcp': [{ HostIp: '1.2.3', HostPort: '8000' }] }), { kind: 'invalid', message: 'invalid IP address: 1.2.3' });
  assert.throws(ports({ '80/tcp': [{ HostPort: 8000 }] }), { kind: 'invalid', message: 'HostPort must be a string' });
  // Shapes of every key before the grammar of any.
  assert.throws(ports({ 'eighty/tcp': [{ HostPort: '8000' }], '81/tcp': 'x' }), { message: 'HostConfig.PortBindings.81/tcp must be an array' });
});

test('defaults: network mode "default", restart policy "no", null Cmd stays null', () => {
  const request = decodeContainerCreate({ Image: 'busybox' });
  assert.equal(request.hostConfig.networkMode, 'default');
  assert.equal(request.hostConfig.restartPolicy.name, 'no');
  assert.equal(request.config.cmd, null);
  assert.deepEqual(request.hostConfig.portBindings, []);
});

test("container mode conflicts use Docker's messages (S033, S034), before the port grammar", () => {
  const mode = { NetworkMode: 'container:busybox1' };
  assert.throws(() => decodeContainerCreate({ ...base, HostConfig: { ...mode, PortBindings: { '80/tcp': [{ HostPort: '8081' }] } } }), /conflicting options: port publishing and the container type network mode/);
  assert.throws(() => decodeContainerCreate({ ...base, HostConfig: { ...mode, PortBindings: { 'x/tcp': [] } } }), /conflicting options: port publishing/);
  assert.throws(() => decodeContainerCreate({ ...base, Hostname: 'foo', HostConfig: mode }), /conflicting options: hostname and the network mode/);
  assert.throws(() => decodeContainerCreate({ ...base, HostConfig: { ...mode, Dns: ['1.1.1.1'] } }), /conflicting options: dns and the network mode/);
  assert.throws(() => decodeContainerCreate({ ...base, HostConfig: { ...mode, ExtraHosts: ['a:1.2.3.4'] } }), /custom host-to-IP mapping/);
  assert.throws(() => decodeContainerCreate({ ...base, HostConfig: { NetworkMode: 'container:' } }), /invalid container format/);
});

test('host mode with ports: a warning, as Docker (S022)', () => {
  const request = decodeContainerCreate({ ...base, HostConfig: { NetworkMode: 'host', PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } });
  assert.deepEqual(request.warnings, ['Published ports are discarded when using host network mode']);
});

test('wrong types are 400s', () => {
  assert.throws(() => decodeContainerCreate({ Image: 5 }), /Image must be a string/);
  assert.throws(() => decodeContainerCreate({ Image: '' }), /image is required/);
  assert.throws(() => decodeContainerCreate({ ...base, Env: 'A=1' }), /Env must be an array of strings/);
  assert.throws(() => decodeContainerCreate({ ...base, HostConfig: { PortBindings: { '80/tcp': 'x' } } }), /must be an array/);
  assert.throws(() => decodeContainerCreate(null), /JSON object/);
});

test('--mac-address (Config.MacAddress, API <= 1.43) goes to the primary network\'s endpoint', () => {
  const onDefault = decodeContainerCreate({ ...base, MacAddress: '02:42:AC:11:00:99' });
  assert.equal(onDefault.endpointRequests['bridge']?.macAddress, '02:42:ac:11:00:99');
  const onUser = decodeContainerCreate({
    ...base, MacAddress: '02:00:00:00:00:01', HostConfig: { NetworkMode: 'a' },
    NetworkingConfig: { EndpointsConfig: { a: { IPAMConfig: { IPv4Address: '10.1.0.9' } } } },
  });
  assert.deepEqual(onUser.endpointRequests['a'], { aliases: [], ipv4Address: '10.1.0.9', ipv6Address: '', macAddress: '02:00:00:00:00:01' });
  assert.throws(() => decodeContainerCreate({ ...base, MacAddress: '02:00:00:00:00' }), { kind: 'invalid', message: 'invalid MAC address: 02:00:00:00:00' });
  for (const mode of ['host', 'none', 'container:x']) {
    assert.throws(() => decodeContainerCreate({ ...base, MacAddress: '02:00:00:00:00:01', HostConfig: { NetworkMode: mode } }), /conflicting options: mac-address and the network mode/);
  }
});

test('EndpointsConfig.<net>.MacAddress is validated and normalised too (it reaches `ip link`)', () => {
  const body = (MacAddress: unknown) => ({ ...base, HostConfig: { NetworkMode: 'm' }, NetworkingConfig: { EndpointsConfig: { m: { MacAddress } } } });
  assert.equal(decodeContainerCreate(body('02:AA:BB:CC:DD:04')).endpointRequests['m']?.macAddress, '02:aa:bb:cc:dd:04');
  assert.throws(() => decodeContainerCreate(body('02:aa:bb:cc:dd:04\nlink delete eth0')), {
    kind: 'invalid', message: 'EndpointsConfig.m.MacAddress: invalid MAC address: 02:aa:bb:cc:dd:04\nlink delete eth0',
  });
  assert.throws(() => decodeContainerCreate(body(7)), { kind: 'invalid', message: 'MacAddress must be a string' });
});
