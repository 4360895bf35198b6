import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostPortText, parseContainerPort, parseHostIp, parseHostPort } from './port-spec.js';

describe('port grammar', () => {
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

  it('reads container ports with tcp by default and any case of protocol', () => {
    assert.deepEqual(parseContainerPort('80'), { port: 80, protocol: 'tcp' });
    assert.deepEqual(parseContainerPort('53/UDP'), { port: 53, protocol: 'udp' });
  });

  it('treats HostPort "" and "0" as dynamic and writes ranges back as Docker does', () => {
    assert.equal(parseHostPort(''), null);
    assert.equal(parseHostPort('0'), null);
    assert.deepEqual(parseHostPort('8000-8005'), { start: 8000, end: 8005 });
    assert.equal(hostPortText(parseHostPort('8000-8005')), '8000-8005');
    assert.equal(hostPortText(parseHostPort('8000')), '8000');
    assert.equal(hostPortText(null), '');
  });

  it('canonicalises host addresses', () => {
    assert.equal(parseHostIp(undefined), '0.0.0.0');
    assert.equal(parseHostIp('[::1]'), '::1');
    assert.equal(parseHostIp('FD00:0::1'), 'fd00::1');
    assert.equal(parseHostIp('::ffff:127.0.0.1'), '127.0.0.1');
  });
});
