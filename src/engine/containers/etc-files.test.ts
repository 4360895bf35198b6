import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostModeHostsFile, hostsFile, resolvConf, resolveExtraHosts } from './etc-files.js';

test('hosts as Docker writes it (S086)', () => {
  assert.equal(
    hostsFile({ hostname: 'myhost', addresses: ['172.17.0.8'], extraHosts: ['db:10.1.2.3'] }),
    '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\n' +
      'ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n10.1.2.3\tdb\n172.17.0.8\tmyhost\n',
  );
  assert.doesNotMatch(hostsFile({ hostname: 'x', addresses: [], extraHosts: [] }), /\tx\n/);
});

test('resolv.conf: --dns and --dns-search override, loopback servers dropped', () => {
  assert.equal(resolvConf({ host: 'nameserver 10.200.0.2\n', dns: ['10.200.0.2'], dnsSearch: ['example.test'], dnsOptions: [], keepLoopback: false }), 'search example.test\nnameserver 10.200.0.2\n');
  assert.equal(resolvConf({ host: 'nameserver 127.0.0.53\nsearch lan\noptions edns0\n', dns: [], dnsSearch: [], dnsOptions: [], keepLoopback: false }), 'search lan\nnameserver 8.8.8.8\nnameserver 8.8.4.4\noptions edns0\n');
  assert.equal(resolvConf({ host: 'nameserver 127.0.0.53\n', dns: [], dnsSearch: [], dnsOptions: [], keepLoopback: true }), 'nameserver 127.0.0.53\n');
  assert.equal(resolvConf({ host: '', dns: [], dnsSearch: [], dnsOptions: ['ndots:2'], keepLoopback: false }), 'nameserver 8.8.8.8\nnameserver 8.8.4.4\noptions ndots:2\n');
});

test('--add-host NAME:host-gateway maps to the default bridge gateway; other entries stay', () => {
  assert.deepEqual(resolveExtraHosts(['db:10.1.2.3', 'host.docker.internal:host-gateway'], '172.17.0.1'), ['db:10.1.2.3', 'host.docker.internal:172.17.0.1']);
  assert.deepEqual(resolveExtraHosts(['db:10.1.2.3'], undefined), ['db:10.1.2.3']);
  assert.throws(() => resolveExtraHosts(['gw:host-gateway'], undefined), /unable to derive the IP value for host-gateway/);
});

test('resolv.conf on user-defined networks: the embedded resolver with ndots:0 (S082)', () => {
  assert.equal(resolvConf({ host: 'nameserver 10.200.0.2\n', dns: [], dnsSearch: [], dnsOptions: [], keepLoopback: false, embedded: true }), 'nameserver 127.0.0.11\noptions ndots:0\n');
  assert.equal(
    resolvConf({ host: 'nameserver 10.200.0.2\nsearch lan\n', dns: ['10.1.1.1'], dnsSearch: [], dnsOptions: ['edns0'], keepLoopback: false, embedded: true }),
    'search lan\nnameserver 127.0.0.11\noptions ndots:0 edns0\n',
  );
  assert.equal(resolvConf({ host: '', dns: [], dnsSearch: [], dnsOptions: ['ndots:3'], keepLoopback: false, embedded: true }), 'nameserver 127.0.0.11\noptions ndots:3\n');
});

test('host mode: the host\'s /etc/hosts with --add-host entries appended', () => {
  assert.equal(hostModeHostsFile('127.0.0.1\tlocalhost\n', []), '127.0.0.1\tlocalhost\n');
  assert.equal(hostModeHostsFile('127.0.0.1\tlocalhost', ['db:10.1.2.3', 'gw:172.17.0.1']), '127.0.0.1\tlocalhost\n10.1.2.3\tdb\n172.17.0.1\tgw\n');
});
