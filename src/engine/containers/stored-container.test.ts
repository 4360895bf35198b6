import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from '../../model/container.js';
import { DEFAULT_ISOLATION } from '../../model/isolation.js';
import { upgradeStoredContainer } from './stored-container.js';

/** A container as the previous version wrote it to the store (port maps keyed "80/tcp"). */
function oldRecord(portBindings: unknown, ports: unknown): Container {
  return {
    id: 'c'.repeat(64), name: 'web', created: '2024-01-01T00:00:00Z', imageId: 'sha256:abc', path: 'nginx', args: [],
    config: { hostname: 'h', domainname: '', user: '', env: [], cmd: null, entrypoint: null, workingDir: '', tty: false, openStdin: false, stdinOnce: false, attachStdin: false, attachStdout: false, attachStderr: false, exposedPorts: { '80/tcp': {} }, labels: {}, image: 'nginx' },
    hostConfig: { networkMode: 'default', portBindings, publishAllPorts: false, dns: [], dnsOptions: [], dnsSearch: [], extraHosts: [], autoRemove: false, restartPolicy: { name: 'no', maximumRetryCount: 0 }, raw: {} },
    endpointRequests: {},
    state: { status: 'running', pid: 10, exitCode: 0, error: '', startedAt: '2024-01-01T00:00:01Z', finishedAt: '0001-01-01T00:00:00Z' },
    sandbox: 'conet-d0-cccccccccccc', ports, restartCount: 0,
  } as unknown as Container;
}

test('old map-shaped port bindings and published ports load as typed lists', () => {
  const upgraded = upgradeStoredContainer(oldRecord(
    { '80/tcp': [{ hostIp: '', hostPort: '8000' }, { hostIp: '127.0.0.1', hostPort: '9000-9005' }], '53/udp': [{ hostIp: '', hostPort: '' }] },
    { '80/tcp': [{ hostIp: '0.0.0.0', hostPort: '8000' }, { hostIp: '::', hostPort: '8000' }, { hostIp: '127.0.0.1', hostPort: '9000' }], '53/udp': [{ hostIp: '0.0.0.0', hostPort: '32768' }] },
  ));
  assert.deepEqual(upgraded.hostConfig.portBindings, [
    { containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: { start: 8000, end: 8000 } },
    { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: { start: 9000, end: 9005 } },
    { containerPort: 53, protocol: 'udp', hostIp: '', hostPort: null },
  ]);
  assert.deepEqual(upgraded.ports, [
    { containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8000 },
    { containerPort: 80, protocol: 'tcp', hostIp: '::', hostPort: 8000 },
    { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 9000 },
    { containerPort: 53, protocol: 'udp', hostIp: '0.0.0.0', hostPort: 32768 },
  ]);
  assert.equal(upgraded.name, 'web');
});

test('empty maps become empty lists; a damaged entry is dropped, not fatal', () => {
  const upgraded = upgradeStoredContainer(oldRecord({ 'x/tcp': [{ hostIp: '', hostPort: '80' }], '81/tcp': [{ hostIp: '', hostPort: '81' }] }, {}));
  assert.deepEqual(upgraded.hostConfig.portBindings, [{ containerPort: 81, protocol: 'tcp', hostIp: '', hostPort: { start: 81, end: 81 } }]);
  assert.deepEqual(upgraded.ports, []);
});

test('a record in the current shape is returned as it is', () => {
  const old = oldRecord([], []);
  const current = { ...old, hostConfig: { ...old.hostConfig, capabilities: { add: ['CAP_SYS_ADMIN'], drop: [] }, security: { seccomp: { mode: 'unconfined' as const }, noNewPrivileges: true }, isolation: DEFAULT_ISOLATION } };
  assert.equal(upgradeStoredContainer(current), current);
});

test('a record from before --cap-add and --security-opt were applied gets the defaults: confined by the default profile', () => {
  const upgraded = upgradeStoredContainer(oldRecord([], []));
  assert.deepEqual(upgraded.hostConfig.capabilities, { add: [], drop: [] });
  assert.deepEqual(upgraded.hostConfig.security, { seccomp: { mode: 'default' }, noNewPrivileges: false });
});
