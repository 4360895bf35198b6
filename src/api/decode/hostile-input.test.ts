/**
 * Issue 10, item 2, at the decoders: every string field of container create, network create and
 * network connect gets hostile strings (util/hostile-strings.test-support.ts). Each decode is
 * either a typed 4xx EngineError or a value that round-trips verbatim; the fields that are parsed
 * (MAC addresses, port bindings) come out as their parsed, safe form.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isEngineError, toHttpError } from '../../errors/index.js';
import { hostileString } from '../../util/hostile-strings.test-support.js';
import { parseMac } from '../../util/kernel-values.js';
import { decodeContainerCreate, type CreateContainerRequest } from './container-create.js';
import { decodeEndpointSettings } from './endpoint-settings.js';
import { decodeNetworkCreate } from './network-create.js';
import type { CreateNetworkRequest } from '../../engine/networks/network-request.js';
import type { EndpointRequest } from '../../model/container.js';

const RUNS = 200;

interface Field<R> {
  name: string;
  body: (value: string) => unknown;
  /** What the decoded request must hold when the decode succeeds. */
  read: (request: R) => unknown;
  expect?: (value: string) => unknown;
}

/** Decodes; a refusal must be a typed 4xx. Returns undefined when refused. */
function decodeOr4xx<R>(decode: () => R): R | undefined {
  try {
    return decode();
  } catch (error) {
    assert.ok(isEngineError(error), `not a typed error: ${String(error)}`);
    const { status } = toHttpError(error);
    assert.ok(status >= 400 && status < 500, `status ${status}: ${error.message}`);
    return undefined;
  }
}

function property<R>(fields: Array<Field<R>>, decode: (body: unknown) => R): void {
  for (const field of fields) {
    fc.assert(
      fc.property(hostileString(), (value) => {
        const request = decodeOr4xx(() => decode(JSON.parse(JSON.stringify(field.body(value)))));
        if (request === undefined) return;
        assert.deepEqual(field.read(request), field.expect ? field.expect(value) : value, field.name);
      }),
      { numRuns: RUNS },
    );
  }
}

const container = (extra: Record<string, unknown>): Record<string, unknown> => ({ Image: 'busybox', ...extra });
const host = (extra: Record<string, unknown>): Record<string, unknown> => container({ HostConfig: extra });
const endpoint = (settings: Record<string, unknown>): Record<string, unknown> => container({ HostConfig: { NetworkMode: 'n1' }, NetworkingConfig: { EndpointsConfig: { n1: settings } } });
const onN1 = (request: CreateContainerRequest): EndpointRequest | undefined => request.endpointRequests['n1'];

const CONTAINER_FIELDS: Array<Field<CreateContainerRequest>> = [
  { name: 'Hostname', body: (v) => container({ Hostname: v }), read: (r) => r.config.hostname },
  { name: 'Domainname', body: (v) => container({ Domainname: v }), read: (r) => r.config.domainname },
  { name: 'User', body: (v) => container({ User: v }), read: (r) => r.config.user },
  { name: 'WorkingDir', body: (v) => container({ WorkingDir: v }), read: (r) => r.config.workingDir },
  { name: 'Image', body: (v) => ({ Image: v }), read: (r) => r.config.image },
  { name: 'Env', body: (v) => container({ Env: [v] }), read: (r) => r.config.env, expect: (v) => [v] },
  { name: 'Cmd', body: (v) => container({ Cmd: [v] }), read: (r) => r.config.cmd, expect: (v) => [v] },
  { name: 'Entrypoint', body: (v) => container({ Entrypoint: [v] }), read: (r) => r.config.entrypoint, expect: (v) => [v] },
  { name: 'Labels value', body: (v) => container({ Labels: { k: v } }), read: (r) => r.config.labels['k'] },
  { name: 'Labels key', body: (v) => container({ Labels: { [v]: 'x' } }), read: (r) => Object.keys(r.config.labels), expect: (v) => [v] },
  { name: 'ExposedPorts key', body: (v) => container({ ExposedPorts: { [v]: {} } }), read: (r) => Object.keys(r.config.exposedPorts), expect: (v) => [v] },
  { name: 'NetworkMode', body: (v) => host({ NetworkMode: v }), read: (r) => r.hostConfig.networkMode, expect: (v) => v || 'default' },
  { name: 'Dns', body: (v) => host({ Dns: [v] }), read: (r) => r.hostConfig.dns, expect: (v) => [v] },
  { name: 'DnsOptions', body: (v) => host({ DnsOptions: [v] }), read: (r) => r.hostConfig.dnsOptions, expect: (v) => [v] },
  { name: 'DnsSearch', body: (v) => host({ DnsSearch: [v] }), read: (r) => r.hostConfig.dnsSearch, expect: (v) => [v] },
  { name: 'ExtraHosts', body: (v) => host({ ExtraHosts: [v] }), read: (r) => r.hostConfig.extraHosts, expect: (v) => [v] },
  { name: 'StopSignal', body: (v) => container({ StopSignal: v }), read: (r) => r.config.stopSignal },
  { name: 'RestartPolicy.Name', body: (v) => host({ RestartPolicy: { Name: v } }), read: (r) => r.hostConfig.restartPolicy.name, expect: (v) => v || 'no' },
  { name: 'EndpointsConfig key', body: (v) => container({ NetworkingConfig: { EndpointsConfig: { [v]: {} } } }), read: (r) => Object.keys(r.endpointRequests), expect: (v) => [v] },
  { name: 'EndpointsConfig.Aliases', body: (v) => endpoint({ Aliases: [v] }), read: (r) => onN1(r)?.aliases, expect: (v) => [v] },
  { name: 'EndpointsConfig.IPv4Address', body: (v) => endpoint({ IPAMConfig: { IPv4Address: v } }), read: (r) => onN1(r)?.ipv4Address },
  { name: 'EndpointsConfig.IPv6Address', body: (v) => endpoint({ IPAMConfig: { IPv6Address: v } }), read: (r) => onN1(r)?.ipv6Address },
  // Parsed, never verbatim: six bytes rendered back.
  { name: 'EndpointsConfig.MacAddress', body: (v) => endpoint({ MacAddress: v }), read: (r) => onN1(r)?.macAddress, expect: (v) => (v === '' ? '' : parseMac(v)) },
  { name: 'MacAddress', body: (v) => container({ MacAddress: v }), read: (r) => r.endpointRequests['bridge']?.macAddress, expect: (v) => (v === '' ? undefined : parseMac(v)) },
];

test('container create: every string field is a 4xx or kept verbatim (MACs parsed)', () => {
  property(CONTAINER_FIELDS, decodeContainerCreate);
});

test('container create: port bindings are a 4xx or parsed into numbers and a canonical address', () => {
  const bindings = (key: string, ip: string, port: string): unknown => host({ PortBindings: { [key]: [{ HostIp: ip, HostPort: port }] } });
  fc.assert(
    fc.property(hostileString(), fc.constantFrom(0, 1, 2), (value, where) => {
      const body = bindings(where === 0 ? value : '80/tcp', where === 1 ? value : '', where === 2 ? value : '8080');
      const request = decodeOr4xx(() => decodeContainerCreate(body));
      for (const binding of request?.hostConfig.portBindings ?? []) {
        assert.ok(Number.isInteger(binding.containerPort));
        assert.match(binding.hostIp, /^[0-9a-f.:]*$/);
      }
    }),
    { numRuns: RUNS },
  );
});

const NETWORK_FIELDS: Array<Field<CreateNetworkRequest>> = [
  { name: 'Name', body: (v) => ({ Name: v }), read: (r) => r.name },
  { name: 'Driver', body: (v) => ({ Name: 'n', Driver: v }), read: (r) => r.driver, expect: (v) => v || 'bridge' },
  { name: 'Scope', body: (v) => ({ Name: 'n', Scope: v }), read: (r) => r.scope },
  { name: 'ConfigFrom.Network', body: (v) => ({ Name: 'n', ConfigFrom: { Network: v } }), read: (r) => r.configFrom },
  { name: 'Options value', body: (v) => ({ Name: 'n', Options: { 'com.docker.network.bridge.name': v } }), read: (r) => r.options['com.docker.network.bridge.name'] },
  { name: 'Options key', body: (v) => ({ Name: 'n', Options: { [v]: 'x' } }), read: (r) => Object.keys(r.options), expect: (v) => [v] },
  { name: 'Labels value', body: (v) => ({ Name: 'n', Labels: { k: v } }), read: (r) => r.labels['k'] },
  { name: 'Labels key', body: (v) => ({ Name: 'n', Labels: { [v]: 'x' } }), read: (r) => Object.keys(r.labels), expect: (v) => [v] },
  { name: 'IPAM.Driver', body: (v) => ({ Name: 'n', IPAM: { Driver: v } }), read: (r) => r.ipam.driver, expect: (v) => v || 'default' },
  { name: 'IPAM.Options', body: (v) => ({ Name: 'n', IPAM: { Options: { k: v } } }), read: (r) => r.ipam.options['k'] },
  { name: 'IPAM.Config.Subnet', body: (v) => ({ Name: 'n', IPAM: { Config: [{ Subnet: v }] } }), read: (r) => r.ipam.configs[0]?.subnet, expect: (v) => v || undefined },
  { name: 'IPAM.Config.IPRange', body: (v) => ({ Name: 'n', IPAM: { Config: [{ IPRange: v }] } }), read: (r) => r.ipam.configs[0]?.ipRange, expect: (v) => v || undefined },
  { name: 'IPAM.Config.Gateway', body: (v) => ({ Name: 'n', IPAM: { Config: [{ Gateway: v }] } }), read: (r) => r.ipam.configs[0]?.gateway, expect: (v) => v || undefined },
  { name: 'IPAM.Config.AuxiliaryAddresses', body: (v) => ({ Name: 'n', IPAM: { Config: [{ AuxiliaryAddresses: { [v]: v } }] } }), read: (r) => r.ipam.configs[0]?.auxAddresses, expect: (v) => ({ [v]: v }) },
];

test('network create: every string field is a 4xx or kept verbatim', () => {
  property(NETWORK_FIELDS, decodeNetworkCreate);
});

const CONNECT_FIELDS: Array<Field<EndpointRequest>> = [
  { name: 'Aliases', body: (v) => ({ Aliases: [v] }), read: (r) => r.aliases, expect: (v) => [v] },
  { name: 'IPAMConfig.IPv4Address', body: (v) => ({ IPAMConfig: { IPv4Address: v } }), read: (r) => r.ipv4Address },
  { name: 'IPAMConfig.IPv6Address', body: (v) => ({ IPAMConfig: { IPv6Address: v } }), read: (r) => r.ipv6Address },
  { name: 'MacAddress', body: (v) => ({ MacAddress: v }), read: (r) => r.macAddress, expect: (v) => (v === '' ? '' : parseMac(v)) },
];

test('network connect: every string field of EndpointConfig is a 4xx or kept verbatim (the MAC parsed)', () => {
  property(CONNECT_FIELDS, (body) => decodeEndpointSettings(body, 'EndpointConfig'));
});

test('the review\'s MAC address is refused at both doors, naming the field', () => {
  const mac = '02:42:ac:11:00:99\nnetns add x\nnetns exec x touch FILE';
  assert.throws(() => decodeContainerCreate(endpoint({ MacAddress: mac })), { kind: 'invalid', message: /^EndpointsConfig\.n1\.MacAddress: invalid MAC address/ });
  assert.throws(() => decodeEndpointSettings({ MacAddress: mac }, 'EndpointConfig'), { kind: 'invalid', message: /^EndpointConfig\.MacAddress: invalid MAC address/ });
});

test('a key "__proto__" is a key like any other: kept, never the prototype', () => {
  const created = decodeContainerCreate(container({ Labels: { ['__proto__']: 'x' }, MacAddress: '02:42:ac:11:00:02', HostConfig: { NetworkMode: '__proto__' }, NetworkingConfig: { EndpointsConfig: { ['__proto__']: { Aliases: ['a'] } } } }));
  assert.deepEqual(Object.keys(created.config.labels), ['__proto__']);
  assert.deepEqual(Object.keys(created.endpointRequests), ['__proto__']);
  assert.equal(Object.getPrototypeOf(created.endpointRequests), Object.prototype);
  assert.equal(created.endpointRequests['__proto__']?.macAddress, '02:42:ac:11:00:02');
  const network = decodeNetworkCreate({ Name: 'n', Options: { ['__proto__']: 'x' }, IPAM: { Config: [{ Subnet: '10.9.0.0/24', AuxiliaryAddresses: { ['__proto__']: '10.9.0.5' } }] } });
  assert.deepEqual(Object.keys(network.options), ['__proto__']);
  assert.deepEqual(network.ipam.configs[0]?.auxAddresses, { ['__proto__']: '10.9.0.5' });
});
