import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { NetworkPolicy, PolicySpec, PolicyTarget } from '../model/policy.js';
import { decodePolicyLabels, parsePolicyDocuments } from '../util/policy/index.js';
import { explainFlow, type FlowIntent } from './evaluate.js';
import { PolicyFqdnRules } from './fqdn-rules.js';

const stored = (spec: PolicySpec, n: number): NetworkPolicy => ({ ...spec, id: String(n).repeat(64).slice(0, 64), created: '', updated: '', source: 'api' });

const POLICIES = parsePolicyDocuments(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress: [{from: [{podSelector: {matchLabels: {role: frontend}}}], ports: [{port: 5432}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-egress}
spec:
  podSelector: {matchLabels: {role: db}}
  policyTypes: [Egress]
  egress: [{to: [{networks: [backend]}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: worker-egress}
spec:
  podSelector: {matchExpressions: [{key: role, operator: In, values: [worker]}]}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.66.0.0/16]}}]
      ports: [{port: 443}]
    - toFQDNs: [{matchPattern: "*.example.com"}]
`).map(stored);

const target = (id: string, role: string, address: string): PolicyTarget => ({ containerId: id, labels: { role }, networks: ['backend'], addresses: [address] });
const FRONTEND = target('f', 'frontend', '172.18.0.2');
const DB = target('d', 'db', '172.18.0.3');
const WORKER = target('w', 'worker', '172.18.0.4');
const end = (t: PolicyTarget) => ({ address: t.addresses[0] ?? '', target: t });

const verdict = (intent: FlowIntent) => explainFlow(POLICIES, intent).verdict;

test('frontend reaches db on 5432/tcp only, decided by db-ingress rule 0', () => {
  const ok = explainFlow(POLICIES, { source: end(FRONTEND), destination: end(DB), protocol: 'tcp', port: 5432 });
  assert.deepEqual(ok.ingress, { direction: 'ingress', verdict: 'allow', reason: 'rule', policy: 'db-ingress', rule: 0, selectedBy: ['db-ingress'] });
  assert.equal(ok.egress.reason, 'not-selected');
  assert.equal(verdict({ source: end(FRONTEND), destination: end(DB), protocol: 'tcp', port: 5433 }), 'deny');
  assert.equal(verdict({ source: end(FRONTEND), destination: end(DB), protocol: 'udp', port: 5432 }), 'deny');
  assert.equal(verdict({ source: end(FRONTEND), destination: end(DB), protocol: 'icmp' }), 'deny');
  assert.equal(explainFlow(POLICIES, { source: end(WORKER), destination: end(DB), protocol: 'tcp', port: 5432 }).ingress.reason, 'default-deny');
});

test('db reaches only containers on its network; outside addresses are denied by default', () => {
  assert.equal(verdict({ source: end(DB), destination: end(FRONTEND), protocol: 'udp', port: 53 }), 'allow');
  const out = explainFlow(POLICIES, { source: end(DB), destination: { address: '10.1.1.1' }, protocol: 'tcp', port: 443 });
  assert.deepEqual(out.egress, { direction: 'egress', verdict: 'deny', reason: 'default-deny', selectedBy: ['db-egress'] });
});

test('worker egress: 10.0.0.0/8 on 443 minus the except block, and names under example.com', () => {
  const to = (address: string, port: number, name?: string): FlowIntent => ({ source: end(WORKER), destination: { address, ...(name ? { name } : {}) }, protocol: 'tcp', port });
  assert.equal(verdict(to('10.2.3.4', 443)), 'allow');
  assert.equal(verdict(to('10.2.3.4', 80)), 'deny');
  assert.equal(verdict(to('10.66.3.4', 443)), 'deny');
  assert.equal(verdict(to('11.0.0.1', 443)), 'deny');
  assert.equal(verdict(to('192.0.2.9', 80, 'api.example.com')), 'allow');
  assert.equal(verdict(to('192.0.2.9', 80, 'example.com')), 'deny');
});

test('property: an unselected pair is always allowed, whatever the flow', () => {
  const other = target('o', 'other', '172.18.0.9');
  fc.assert(
    fc.property(fc.constantFrom('tcp', 'udp', 'sctp', 'icmp' as const), fc.integer({ min: 1, max: 65535 }), (protocol, port) => {
      assert.equal(verdict({ source: end(other), destination: end(FRONTEND), protocol, port }), 'allow');
    }),
  );
});

test('fqdnRulesFor: the FQDN rules of the policies selecting the querying container', () => {
  const labelled = stored(decodePolicyLabels({ 'conet.egress': 'a.test:443,10.0.0.0/8', 'conet.egress-dns': 'nxdomain' }, 'f') as PolicySpec, 9);
  const policies = [...POLICIES, labelled];
  const rules = new PolicyFqdnRules({ policies: () => policies, targets: () => [FRONTEND, DB, WORKER] });
  const worker = POLICIES[2] as NetworkPolicy;
  assert.deepEqual(rules.fqdnRulesFor('172.18.0.4'), [
    { policyId: worker.id, patterns: ['*.example.com'], set4: `fqdn4_${worker.id}`, set6: `fqdn6_${worker.id}`, nxdomain: false },
  ]);
  assert.deepEqual(rules.fqdnRulesFor('172.18.0.2').map((r) => [r.patterns, r.nxdomain]), [[['a.test'], true]]);
  assert.deepEqual(rules.fqdnRulesFor('172.18.0.3'), []);
  assert.deepEqual(rules.fqdnRulesFor('10.9.9.9'), []);
});
