/**
 * Golden files for the builder tests. Expected texts live in src/firewall/testdata (committed);
 * tests run from dist/, so paths resolve back to the source tree. UPDATE_GOLDEN=1 rewrites them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import type { FirewallNetwork } from './intent.js';

const TESTDATA = new URL('../../../src/firewall/testdata/', import.meta.url);

export function assertGolden(name: string, actual: string): void {
  const file = new URL(name, TESTDATA);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'), `output differs from testdata/${name} (UPDATE_GOLDEN=1 rewrites it)`);
}

/** A 64-hex network id whose first 12 characters are readable in chain names. */
export function networkId(prefix12: string): string {
  return prefix12.padEnd(64, '0');
}

export const defaultBridge: FirewallNetwork = {
  id: networkId('3f2a9c1b7d4e'),
  bridge: 'conet0',
  subnets4: ['172.17.0.0/16'],
  subnets6: [],
  masquerade: true,
  icc: true,
  internal: false,
};

/** Three user networks: internal, icc=false (dual stack), masquerade=false. */
export const threeNetworks: FirewallNetwork[] = [
  {
    id: networkId('0a11e1a1b2c3'),
    bridge: 'br-0a11e1a1b2c3',
    subnets4: ['172.18.0.0/16'],
    subnets6: [],
    masquerade: true,
    icc: true,
    internal: true,
  },
  {
    id: networkId('1bcc0ff00001'),
    bridge: 'noicc',
    subnets4: ['172.19.0.0/16', '10.7.0.0/24'],
    subnets6: ['fd00:19::/64'],
    masquerade: true,
    icc: false,
    internal: false,
  },
  {
    id: networkId('2c0ffee00002'),
    bridge: 'br-nomasq',
    subnets4: ['192.168.50.0/24'],
    subnets6: [],
    masquerade: false,
    icc: true,
    internal: false,
  },
];
