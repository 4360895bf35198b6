import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkPolicy, PolicySpec, PolicyTarget } from '../model/policy.js';
import { buildPolicyScript } from '../firewall/nft-policy.js';
import { parsePolicyDocuments } from '../util/policy/index.js';
import { compilePolicies } from './compile.js';
import { blockMinus, rangeText } from './ranges.js';

const stored = (spec: PolicySpec, n: number): NetworkPolicy => ({ ...spec, id: String(n).repeat(64), created: '', updated: '', source: 'api' });

export const MATRIX_POLICIES = parsePolicyDocuments(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress: [{from: [{podSelector: {matchLabels: {role: frontend}}}], ports: [{port: 5432}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: worker-egress}
spec:
  podSelector: {matchLabels: {role: worker}}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.66.0.0/16]}}]
      ports: [{port: 443}, {protocol: UDP, port: 8000, endPort: 8080}]
    - toFQDNs: [{matchName: a.test}]
      ports: [{port: 443}]
`).map((spec, i) => stored(spec, i + 1));

export const MATRIX_TARGETS: PolicyTarget[] = [
  { containerId: 'f', labels: { role: 'frontend' }, networks: ['n'], addresses: ['172.18.0.2', 'fd00::2'] },
  { containerId: 'd', labels: { role: 'db' }, networks: ['n'], addresses: ['172.18.0.3', 'fd00::3'] },
  { containerId: 'w', labels: { role: 'worker' }, networks: ['n'], addresses: ['172.18.0.4'] },
];

test('an ipBlock with except is the ranges left over', () => {
  assert.deepEqual(blockMinus('10.0.0.0/8', ['10.66.0.0/16']).map(rangeText), ['10.0.0.0-10.65.255.255', '10.67.0.0-10.255.255.255']);
  assert.deepEqual(blockMinus('fd00::/64', ['fd00::/65']).map(rangeText), ['fd00::8000:0:0:0-fd00::ffff:ffff:ffff:ffff']);
});

test('policies compile to member sets and allow elements per direction and family', () => {
  const intent = compilePolicies(MATRIX_POLICIES, MATRIX_TARGETS, ['9'.repeat(64)]);
  assert.deepEqual(intent.members, { ingress4: ['172.18.0.3'], ingress6: ['fd00::3'], egress4: ['172.18.0.4'], egress6: [] });
  assert.deepEqual(intent.allow.ingress4, [{ self: '172.18.0.3', peer: '172.18.0.2', proto: '6', ports: '5432' }]);
  assert.deepEqual(intent.allow.ingress6, [{ self: 'fd00::3', peer: 'fd00::2', proto: '6', ports: '5432' }]);
  assert.deepEqual(intent.allow.egress4.map((e) => `${e.peer} ${e.proto} ${e.ports}`), [
    '10.0.0.0-10.65.255.255 6 443',
    '10.0.0.0-10.65.255.255 17 8000-8080',
    '10.67.0.0-10.255.255.255 6 443',
    '10.67.0.0-10.255.255.255 17 8000-8080',
  ]);
  assert.deepEqual(intent.fqdn, [{ policyId: '2'.repeat(64), members4: ['172.18.0.4'], members6: [], ports: [{ proto: 6, ports: '443' }] }]);
  const script = buildPolicyScript(intent);
  assert.match(script, /^add set inet conet fqdn4_2{64} \{ type ipv4_addr; flags timeout; \}$/m);
  assert.match(script, /^add rule inet conet pol-egress ip saddr \{ 172\.18\.0\.4 \} ip daddr @fqdn4_2{64} meta l4proto \. th dport \{ 6 \. 443 \} return$/m);
  assert.match(script, /^delete set inet conet fqdn4_9{64}$/m);
  assert.ok(script.indexOf('ct state established,related accept') < script.indexOf('jump pol-egress'));
  assert.doesNotMatch(script, /flush set inet conet fqdn/);
});
