import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isEngineError, toHttpError } from '../../errors/index.js';
import { decodeNetworkPolicy, parsePolicyDocuments } from './document.js';

const doc = (spec: unknown, name = 'p1'): Record<string, unknown> => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name },
  spec,
});

/** The decode's refusal: a typed 400 whose message starts with `field`. */
function refuses(value: unknown, field: string): void {
  assert.throws(
    () => decodeNetworkPolicy(value),
    (error: unknown) => isEngineError(error) && toHttpError(error).status === 400 && error.message.startsWith(`${field}:`),
    `expected a 400 naming ${field}`,
  );
}

const YAML = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-frontend}
spec:
  podSelector: {matchLabels: {role: db}}
  networks: [backend]
  ingress:
    - from: [{podSelector: {matchLabels: {role: frontend}}}]
      ports: [{port: 5432}]
  egress:
    - to: [{ipBlock: {cidr: 10.1.2.3/8, except: [10.9.0.0/16]}}]
      ports: [{protocol: UDP, port: 8000, endPort: 8080}]
    - toFQDNs: [{matchName: API.Example.com.}, {matchPattern: "*.example.org"}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`;

test('a NetworkPolicy in YAML decodes with Kubernetes semantics and canonical values', () => {
  const [first, second] = parsePolicyDocuments(YAML);
  assert.deepEqual(first, {
    name: 'db-from-frontend',
    selector: { labels: { matchLabels: { role: 'db' }, matchExpressions: [] }, networks: ['backend'] },
    policyTypes: ['ingress', 'egress'],
    ingress: [
      {
        peers: [{ kind: 'containers', selector: { labels: { matchLabels: { role: 'frontend' }, matchExpressions: [] }, networks: [] } }],
        ports: [{ protocol: 'tcp', port: 5432 }],
      },
    ],
    egress: [
      { peers: [{ kind: 'ipBlock', cidr: '10.0.0.0/8', except: ['10.9.0.0/16'] }], ports: [{ protocol: 'udp', port: 8000, endPort: 8080 }] },
      { peers: [{ kind: 'fqdn', pattern: 'api.example.com' }, { kind: 'fqdn', pattern: '*.example.org' }], ports: [] },
    ],
    dnsNxdomain: false,
  });
  assert.deepEqual(second?.policyTypes, ['ingress', 'egress']);
  assert.deepEqual(second?.ingress, []);
});

test('policyTypes defaults to Ingress, plus Egress when egress rules are given', () => {
  assert.deepEqual(decodeNetworkPolicy(doc({ podSelector: {} })).policyTypes, ['ingress']);
  assert.deepEqual(decodeNetworkPolicy(doc({ podSelector: {}, egress: [] })).policyTypes, ['ingress', 'egress']);
});

test('bad input is a 400 naming the field', () => {
  refuses(doc({ podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }), 'spec.ingress[0].from[0].namespaceSelector');
  refuses(doc({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.300/8' } }] }] }), 'spec.egress[0].to[0].ipBlock.cidr');
  refuses(doc({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }] }] }), 'spec.egress[0].to[0].ipBlock.except[0]');
  refuses(doc({ podSelector: {}, ingress: [{ ports: [{ port: 70000 }] }] }), 'spec.ingress[0].ports[0].port');
  refuses(doc({ podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] }), 'spec.ingress[0].ports[0].port');
  refuses(doc({ podSelector: {}, ingress: [{ ports: [{ port: 90, endPort: 80 }] }] }), 'spec.ingress[0].ports[0].endPort');
  refuses(doc({ podSelector: {}, ingress: [{ ports: [{ protocol: 'ICMP' }] }] }), 'spec.ingress[0].ports[0].protocol');
  refuses(doc({ podSelector: {}, ingress: [{ toFQDNs: [{ matchName: 'a.com' }] }] }), 'spec.ingress[0].toFQDNs');
  refuses(doc({ podSelector: {}, egress: [{ toFQDNs: [{ matchPattern: 'a.*.com' }] }] }), 'spec.egress[0].toFQDNs[0].matchPattern');
  refuses(doc({ podSelector: {}, egress: [{ toFQDNs: [] }] }), 'spec.egress[0].toFQDNs');
  refuses(doc({ podSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }), 'spec.podSelector.matchExpressions[0].values');
  refuses(doc({ podSelecter: {} }), 'spec.podSelecter');
  refuses(doc({ podSelector: {}, networks: ['bad name'] }), 'spec.networks[0]');
  refuses(doc({ podSelector: {} }, 'Bad_Name'), 'metadata.name');
  refuses({ ...doc({ podSelector: {} }), apiVersion: 'v1' }, 'apiVersion');
});

test('a document that is not YAML is a 400; so is one without a policy', () => {
  for (const text of ['a: [', '', '--- \n...']) {
    assert.throws(() => parsePolicyDocuments(text), (error: unknown) => isEngineError(error) && error.message.startsWith('document:'));
  }
});

const labelKeyArb = fc.stringMatching(/^[a-z][a-z0-9.]{0,10}[a-z0-9]$/);
const portArb = fc.record({
  protocol: fc.constantFrom('TCP', 'UDP', 'SCTP'),
  port: fc.integer({ min: 1, max: 65535 }),
});

test('property: valid ports and selectors decode to what they say', () => {
  fc.assert(
    fc.property(fc.dictionary(labelKeyArb, fc.stringMatching(/^[a-z0-9]{0,8}$/)), fc.array(portArb, { maxLength: 5 }), (labels, ports) => {
      const spec = decodeNetworkPolicy(doc({ podSelector: { matchLabels: labels }, ingress: [{ ports }] }));
      assert.deepEqual(spec.selector.labels.matchLabels, { ...labels });
      assert.deepEqual(spec.ingress[0]?.ports, ports.map((p) => ({ protocol: p.protocol.toLowerCase(), port: p.port })));
    }),
    { numRuns: 200 },
  );
});

test('property: a port out of range is a 400 naming it', () => {
  const outside = fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 }));
  fc.assert(
    fc.property(outside, fc.nat(3), (port, index) => {
      const ports = [...Array.from({ length: index }, () => ({ port: 80 })), { port }];
      refuses(doc({ podSelector: {}, egress: [{ ports }] }), `spec.egress[0].ports[${index}].port`);
    }),
    { numRuns: 200 },
  );
});

test('property: any JSON value anywhere decodes or is a typed 400, never another error', () => {
  const anyValue = fc.jsonValue({ maxDepth: 3 });
  const where = fc.constantFrom('podSelector', 'networks', 'ingress', 'egress', 'policyTypes');
  fc.assert(
    fc.property(where, anyValue, (key, value) => {
      try {
        decodeNetworkPolicy(doc({ podSelector: {}, [key]: value }));
      } catch (error) {
        assert.ok(isEngineError(error) && toHttpError(error).status === 400, String(error));
      }
    }),
    { numRuns: 300 },
  );
});

test('property: except blocks are kept only strictly inside their CIDR', () => {
  fc.assert(
    fc.property(fc.integer({ min: 8, max: 24 }), fc.integer({ min: 0, max: 32 }), (outer, inner) => {
      const body = doc({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: `10.0.0.0/${outer}`, except: [`10.0.0.0/${inner}`] } }] }] });
      if (inner > outer) assert.equal(decodeNetworkPolicy(body).egress[0]?.peers.length, 1);
      else refuses(body, 'spec.egress[0].to[0].ipBlock.except[0]');
    }),
    { numRuns: 100 },
  );
});
