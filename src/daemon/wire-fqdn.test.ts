import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LinkPort } from '../kernel/ports.js';
import { DEFAULTS } from './config.js';
import { wireFqdn } from './wire-fqdn.js';
import { createLogger } from '../util/logger.js';

test('wireFqdn: the gate covers clients the policy source names, and reads the host addresses first', async () => {
  let reads = 0;
  const links = { listAddresses: async () => (reads += 1, [{ link: 'eth0', family: 'inet', address: '192.0.2.1', prefixLength: 24 }]) } as unknown as LinkPort;
  const rules = { fqdnRulesFor: (address: string) => (address === '10.0.0.2' ? [{ policyId: 'p', patterns: ['a.test'], set4: 'fqdn4_p', set6: 'fqdn6_p', nxdomain: true }] : []) };
  const gate = await wireFqdn({ ...DEFAULTS, fqdnMinTtlSeconds: 5 }, links, rules, createLogger('error', () => undefined));
  try {
    assert.equal(reads, 1);
    assert.equal(gate.forClient(['10.0.0.3']), undefined);
    assert.equal(gate.forClient(['10.0.0.2'])?.refuses('b.test'), true);
  } finally {
    gate.close();
  }
});
