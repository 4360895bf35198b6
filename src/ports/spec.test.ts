import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PortBinding } from '../model/port.js';
import { portRequests } from './spec.js';

const bind = (containerPort: number, hostIp: string, hostPort: number | null, protocol: PortBinding['protocol'] = 'tcp'): PortBinding => ({
  containerPort, protocol, hostIp, hostPort: hostPort === null ? null : { start: hostPort, end: hostPort },
});

describe('portRequests', () => {
  it('orders -p 8000:80, -p 127.0.0.1:8001:80 and udp as Docker, with "" meaning 0.0.0.0', () => {
    const requests = portRequests([bind(80, '', 8000), bind(80, '127.0.0.1', 8001), bind(53, '', 8002, 'udp')], [], false);
    assert.deepEqual(requests, [
      { containerPort: 53, protocol: 'udp', hostIp: '0.0.0.0', hostPort: { start: 8002, end: 8002 } },
      { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: { start: 8001, end: 8001 } },
      { containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: { start: 8000, end: 8000 } },
    ]);
  });

  it('publishes every exposed port with -P in Docker order (443 before 80), keeping explicit bindings', () => {
    const exposed = [{ port: 80, protocol: 'tcp' as const }, { port: 443, protocol: 'tcp' as const }, { port: 9000, protocol: 'tcp' as const }, { port: 53, protocol: 'udp' as const }];
    const requests = portRequests([bind(9000, '', 9999)], exposed, true);
    assert.deepEqual(requests.map((request) => [request.containerPort, request.protocol, request.hostPort?.start ?? null]), [
      [9000, 'tcp', 9999], [443, 'tcp', null], [80, 'tcp', null], [53, 'udp', null],
    ]);
  });

  it('ignores exposed ports without -P', () => {
    assert.deepEqual(portRequests([], [{ port: 443, protocol: 'tcp' }], false), []);
    assert.deepEqual(portRequests([], [], true), []);
  });

  it('keeps dynamic ports and host ranges', () => {
    const requests = portRequests([bind(80, '', null), bind(80, '::', null), { containerPort: 80, protocol: 'tcp', hostIp: '::1', hostPort: { start: 8000, end: 8005 } }], [], false);
    assert.deepEqual(requests.map((request) => [request.hostIp, request.hostPort]), [
      ['::1', { start: 8000, end: 8005 }], ['0.0.0.0', null], ['::', null],
    ]);
  });
});
