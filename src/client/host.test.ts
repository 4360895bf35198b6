import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SOCKET, HostError, formatDaemonAddress, resolveDaemonAddress } from './host.js';

test('the daemon is found as docker finds it: --host, then CONET_HOST, then DOCKER_HOST, then the default socket', () => {
  const env = { CONET_HOST: 'unix:///conet.sock', DOCKER_HOST: 'unix:///docker.sock' };
  assert.deepEqual(resolveDaemonAddress('unix:///flag.sock', env), { kind: 'unix', socketPath: '/flag.sock', source: '--host' });
  assert.deepEqual(resolveDaemonAddress(undefined, env), { kind: 'unix', socketPath: '/conet.sock', source: 'CONET_HOST' });
  assert.deepEqual(resolveDaemonAddress(undefined, { DOCKER_HOST: 'unix:///docker.sock' }), { kind: 'unix', socketPath: '/docker.sock', source: 'DOCKER_HOST' });
  assert.deepEqual(resolveDaemonAddress(undefined, { CONET_HOST: '', DOCKER_HOST: '' }), { kind: 'unix', socketPath: DEFAULT_SOCKET, source: 'default' });
  assert.deepEqual(resolveDaemonAddress(undefined, {}), { kind: 'unix', socketPath: '/run/conet/docker.sock', source: 'default' });
});

test('tcp://HOST:PORT is plain HTTP; other schemes and bad values are refused naming where they came from', () => {
  assert.deepEqual(resolveDaemonAddress('tcp://127.0.0.1:2375', {}), { kind: 'tcp', host: '127.0.0.1', port: 2375, source: '--host' });
  assert.deepEqual(resolveDaemonAddress(undefined, { DOCKER_HOST: 'tcp://[::1]:2375/' }), { kind: 'tcp', host: '::1', port: 2375, source: 'DOCKER_HOST' });
  assert.equal(formatDaemonAddress(resolveDaemonAddress('tcp://[::1]:2375', {})), 'tcp://[::1]:2375');
  assert.throws(() => resolveDaemonAddress(undefined, { DOCKER_HOST: 'ssh://me@box' }), (error: unknown) => error instanceof HostError && /DOCKER_HOST "ssh:\/\/me@box"/.test(error.message));
  assert.throws(() => resolveDaemonAddress('unix://relative.sock', {}), HostError);
  assert.throws(() => resolveDaemonAddress('tcp://host:99999', {}), HostError);
  assert.throws(() => resolveDaemonAddress('tcp://host', {}), HostError);
});
