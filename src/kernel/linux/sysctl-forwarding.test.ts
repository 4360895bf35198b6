import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { SysctlPort } from '../ports.js';
import { LinuxSysctl } from './sysctl.js';
import { readHostForwarding } from './sysctl-forwarding.js';

/** /proc/sys as a map: a missing key fails the way an absent file does (br_netfilter not loaded). */
function procSys(values: Record<string, string>): SysctlPort {
  return {
    read: async (key) => {
      const value = values[key];
      if (value === undefined) throw Object.assign(new Error(`ENOENT: no such file /proc/sys/${key}`), { code: 'ENOENT' });
      return value;
    },
    write: async () => undefined,
  };
}

describe('readHostForwarding', () => {
  it('reports each switch as it is', async () => {
    const state = await readHostForwarding(procSys({
      'net.ipv4.ip_forward': '1',
      'net.bridge.bridge-nf-call-iptables': '1',
      'net.bridge.bridge-nf-call-ip6tables': '0',
    }));
    assert.deepEqual(state, { ipv4Forwarding: true, bridgeNfIptables: true, bridgeNfIp6tables: false });
  });

  it('forwarding off and br_netfilter absent read as false', async () => {
    const state = await readHostForwarding(procSys({ 'net.ipv4.ip_forward': '0' }));
    assert.deepEqual(state, { ipv4Forwarding: false, bridgeNfIptables: false, bridgeNfIp6tables: false });
  });

  it('over the real /proc/sys of this namespace (read only)', async () => {
    const state = await readHostForwarding(new LinuxSysctl());
    assert.equal(state.ipv4Forwarding, readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim() === '1');
    const bridgeNf = existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables') && readFileSync('/proc/sys/net/bridge/bridge-nf-call-iptables', 'utf8').trim() === '1';
    assert.equal(state.bridgeNfIptables, bridgeNf);
  });
});
