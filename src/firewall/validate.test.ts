import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FirewallNetwork } from './intent.js';
import { addNetworkScript, removeNetworkScript } from './nft-network.js';
import { buildRuleset } from './nft-ruleset.js';
import { assertBridgeName, normalizeSubnet4, normalizeSubnet6, validateNetwork } from './validate.js';
import { defaultBridge } from './golden.test-support.js';

const injections = [
  'br; rm -rf /', '$(reboot)', 'a"b', "a'b", 'a b', 'a\tb', 'a\nb', 'a/b', 'a:b', 'a\\b', 'a`b`', 'a$b',
  'a;b', 'a}b', 'a{b', 'a#b', 'br*', 'abcdefghijklmnop', '', '.', '..', 'é',
];

describe('bridge names', () => {
  it('accepts names Docker and we create', () => {
    for (const name of ['conet0', 'docker0', 'br-0123456789ab', 'a', 'x.y_z-1', '123456789012345', '1234']) {
      assert.equal(assertBridgeName(name), name);
    }
  });

  it('rejects injection attempts and names Linux would refuse', () => {
    for (const name of injections) {
      assert.throws(() => assertBridgeName(name), { kind: 'invalid', code: 'firewall-invalid-bridge-name' }, JSON.stringify(name));
    }
  });

  it('rejects them in every builder entry point before any text is produced', () => {
    for (const bridge of injections) {
      const network: FirewallNetwork = { ...defaultBridge, bridge };
      assert.throws(() => buildRuleset({ table: 'conet', networks: [network] }), { kind: 'invalid' });
      assert.throws(() => addNetworkScript('conet', network), { kind: 'invalid' });
      assert.throws(() => removeNetworkScript('conet', network), { kind: 'invalid' });
    }
  });
});

describe('subnets', () => {
  it('accepts canonical CIDRs', () => {
    assert.equal(normalizeSubnet4('172.17.0.0/16'), '172.17.0.0/16');
    assert.equal(normalizeSubnet4('0.0.0.0/0'), '0.0.0.0/0');
    assert.equal(normalizeSubnet6('fd00:19::/64'), 'fd00:19::/64');
    assert.equal(normalizeSubnet6('FD00:0019:0:0::/64'), 'fd00:19::/64');
  });

  it('rejects anything else', () => {
    const bad4 = ['172.17.0.1/16', '172.17.0.0', '172.17.0.0/33', '010.0.0.0/8', '256.0.0.0/8', '10.0.0.0/8 ', '10.0.0.0/8;drop',
      'fd00::/64', '10.0.0/24', '1.2.3.4/-1'];
    for (const cidr of bad4) assert.throws(() => normalizeSubnet4(cidr), { kind: 'invalid', code: 'firewall-invalid-subnet' }, cidr);
    const bad6 = ['fd00::1/64', 'fd00::/129', 'fd00::', '10.0.0.0/8', 'fe80::%eth0/64', 'fd00::/64 drop', 'gg::/64'];
    for (const cidr of bad6) assert.throws(() => normalizeSubnet6(cidr), { kind: 'invalid', code: 'firewall-invalid-subnet' }, cidr);
  });

  it('normalizes a network and rejects a bad id', () => {
    assert.deepEqual(validateNetwork({ ...defaultBridge, subnets6: ['FD00::/48'] }).subnets6, ['fd00::/48']);
    for (const id of ['abc', 'G'.repeat(64), defaultBridge.id.toUpperCase()]) {
      assert.throws(() => validateNetwork({ ...defaultBridge, id }), { kind: 'invalid', code: 'firewall-invalid-network-id' });
    }
  });
});
