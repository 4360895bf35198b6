import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseContainerPort, parseHostIp, parseHostPort, parsePortBindings } from './spec.js';

describe('parsePortBindings', () => {
  it('reads -p 8000:80 and -p 127.0.0.1:8001:80 and udp', () => {
    const requests = parsePortBindings({
      '80/tcp': [{ HostIp: '', HostPort: '8000' }, { HostIp: '127.0.0.1', HostPort: '8001' }],
      '53/udp': [{ HostIp: '', HostPort: '8002' }],
    }, {}, false);
    assert.deepEqual(requests, [
      { containerPort: 53, protocol: 'udp', hostIp: '0.0.0.0', hostPort: { start: 8002, end: 8002 } },
      { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: { start: 8001, end: 8001 } },
      { containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: { start: 8000, end: 8000 } },
    ]);
  });

  it('publishes every exposed port with -P in Docker order (443 before 80), keeping explicit bindings', () => {
    const requests = parsePortBindings({ '9000/tcp': [{ HostPort: '9999' }] }, { '80/tcp': {}, '443/tcp': {}, '9000/tcp': {}, '53/udp': {} }, true);
    assert.deepEqual(requests.map((request) => [request.containerPort, request.protocol, request.hostPort?.start ?? null]), [
      [9000, 'tcp', 9999], [443, 'tcp', null], [80, 'tcp', null], [53, 'udp', null],
    ]);
  });

  it('ignores exposed ports without -P and keys with no bindings', () => {
    assert.deepEqual(parsePortBindings({ '80/tcp': [] }, { '443/tcp': {} }, false), []);
    assert.deepEqual(parsePortBindings(null, null, true), []);
  });

  it('treats HostPort "" and "0" as dynamic and keeps a host range for one container port', () => {
    const requests = parsePortBindings({ '80': [{ HostPort: '' }, { HostPort: '0', HostIp: '::' }, { HostPort: '8000-8005', HostIp: '[::1]' }] }, {}, false);
    assert.deepEqual(requests.map((request) => [request.hostIp, request.hostPort]), [
      ['::1', { start: 8000, end: 8005 }], ['0.0.0.0', null], ['::', null],
    ]);
  });

  it('rejects bad specs with Docker messages', () => {
    const cases: Array<[() => unknown, string | RegExp, string]> = [
      [() => parseContainerPort('abc/tcp'), 'invalid port specification: "abc"', 'invalid-port-spec'],
      [() => parseContainerPort('80-85/tcp'), 'invalid port specification: "80-85"', 'invalid-port-spec'],
      [() => parseContainerPort('80/icmp'), 'invalid proto: icmp', 'invalid-port-protocol'],
      [() => parseContainerPort('70000'), /out of range \(1-65535\)/, 'port-out-of-range'],
      [() => parseContainerPort('0/tcp'), /out of range/, 'port-out-of-range'],
      [() => parseHostPort('8000-7000'), 'invalid range specified for port: 8000-7000', 'invalid-port-spec'],
      [() => parseHostPort('x'), 'invalid port specification: "x"', 'invalid-port-spec'],
      [() => parseHostPort('65536'), /out of range/, 'port-out-of-range'],
      [() => parseHostIp('localhost'), 'invalid IP address: localhost', 'invalid-host-ip'],
      [() => parseHostIp('10.0.0.256'), 'invalid IP address: 10.0.0.256', 'invalid-host-ip'],
      [() => parseHostIp('fe80::1%eth0'), 'invalid IP address: fe80::1%eth0', 'invalid-host-ip'],
    ];
    for (const [call, message, code] of cases) assert.throws(call, { kind: 'invalid', code, message }, String(message));
  });

  it('canonicalises host addresses', () => {
    assert.equal(parseHostIp(undefined), '0.0.0.0');
    assert.equal(parseHostIp('FD00:0::1'), 'fd00::1');
    assert.equal(parseHostIp('::ffff:127.0.0.1'), '127.0.0.1');
  });
});
