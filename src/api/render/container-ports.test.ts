import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPortBindings, renderPublishedPorts } from './container-ports.js';

test("requested bindings render as Docker's port map, in the order they were given", () => {
  assert.deepEqual(renderPortBindings([
    { containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: { start: 8000, end: 8000 } },
    { containerPort: 53, protocol: 'udp', hostIp: '::1', hostPort: { start: 8000, end: 8005 } },
    { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: null },
  ]), {
    '80/tcp': [{ HostIp: '', HostPort: '8000' }, { HostIp: '127.0.0.1', HostPort: '' }],
    '53/udp': [{ HostIp: '::1', HostPort: '8000-8005' }],
  });
  assert.deepEqual(renderPortBindings([]), {});
});

test('published ports render with their chosen host port', () => {
  assert.deepEqual(renderPublishedPorts([
    { containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 32768 },
    { containerPort: 80, protocol: 'tcp', hostIp: '::', hostPort: 32768 },
  ]), { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '32768' }, { HostIp: '::', HostPort: '32768' }] });
});
