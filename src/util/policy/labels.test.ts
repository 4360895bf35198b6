import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isEngineError, toHttpError } from '../../errors/index.js';
import { decodePolicyLabels } from './labels.js';

const ID = 'a'.repeat(64);

function refuses(labels: Record<string, string>, start: string): void {
  assert.throws(
    () => decodePolicyLabels(labels, ID),
    (error: unknown) => isEngineError(error) && toHttpError(error).status === 400 && error.message.startsWith(start),
    `expected a 400 starting ${start}`,
  );
}

test('conet.egress compiles to one rule per entry, selecting only the container', () => {
  const spec = decodePolicyLabels({ 'conet.egress': 'api.example.com:443,10.0.0.0/8, *.Example.org:53/udp,[fd00::1]:8000-8080/sctp,fd00::/8,192.0.2.1' }, ID);
  assert.deepEqual(spec?.selector, { labels: { matchLabels: {}, matchExpressions: [] }, networks: [], container: ID });
  assert.deepEqual(spec?.policyTypes, ['egress']);
  assert.deepEqual(spec?.egress, [
    { peers: [{ kind: 'fqdn', pattern: 'api.example.com' }], ports: [{ protocol: 'tcp', port: 443 }] },
    { peers: [{ kind: 'ipBlock', cidr: '10.0.0.0/8', except: [] }], ports: [] },
    { peers: [{ kind: 'fqdn', pattern: '*.example.org' }], ports: [{ protocol: 'udp', port: 53 }] },
    { peers: [{ kind: 'ipBlock', cidr: 'fd00::1/128', except: [] }], ports: [{ protocol: 'sctp', port: 8000, endPort: 8080 }] },
    { peers: [{ kind: 'ipBlock', cidr: 'fd00::/8', except: [] }], ports: [] },
    { peers: [{ kind: 'ipBlock', cidr: '192.0.2.1/32', except: [] }], ports: [] },
  ]);
  assert.equal(spec?.dnsNxdomain, false);
});

test('conet.ingress=from:KEY=VALUE[:PORT] and conet.egress-dns=nxdomain', () => {
  const spec = decodePolicyLabels({ 'conet.ingress': 'from:role=frontend:5432,from:app=x', 'conet.egress': 'a.test', 'conet.egress-dns': 'nxdomain' }, ID);
  assert.deepEqual(spec?.policyTypes, ['ingress', 'egress']);
  assert.deepEqual(spec?.ingress, [
    { peers: [{ kind: 'containers', selector: { labels: { matchLabels: { role: 'frontend' }, matchExpressions: [] }, networks: [] } }], ports: [{ protocol: 'tcp', port: 5432 }] },
    { peers: [{ kind: 'containers', selector: { labels: { matchLabels: { app: 'x' }, matchExpressions: [] }, networks: [] } }], ports: [] },
  ]);
  assert.equal(spec?.dnsNxdomain, true);
  assert.equal(decodePolicyLabels({ other: 'x', 'com.example': 'y' }, ID), undefined);
});

test('unknown label syntax is a 400 naming the label', () => {
  refuses({ 'conet.egress': '10.0.0.0/33' }, 'label conet.egress entry "10.0.0.0/33"');
  refuses({ 'conet.egress': 'a.test:70000' }, 'label conet.egress entry "a.test:70000"');
  refuses({ 'conet.egress': 'a.test:443/icmp' }, 'label conet.egress entry');
  refuses({ 'conet.egress': 'a.test,,b.test' }, 'label conet.egress:');
  refuses({ 'conet.egress': 'a.*.test' }, 'label conet.egress entry');
  refuses({ 'conet.egress': '10.0.0.300' }, 'label conet.egress entry');
  refuses({ 'conet.ingress': 'role=frontend' }, 'label conet.ingress entry');
  refuses({ 'conet.ingress': 'from:role=frontend:5432:x' }, 'label conet.ingress entry');
  refuses({ 'conet.egress-dns': 'nxdomain' }, 'label conet.egress-dns:');
  refuses({ 'conet.egress': 'a.test', 'conet.egress-dns': 'refuse' }, 'label conet.egress-dns:');
  refuses({ 'conet.egresss': 'a.test' }, 'label conet.egresss:');
});

test('property: any label value is a policy or a typed 400', () => {
  fc.assert(
    fc.property(fc.constantFrom('conet.egress', 'conet.ingress'), fc.string({ maxLength: 60 }), (key, value) => {
      try {
        decodePolicyLabels({ [key]: value }, ID);
      } catch (error) {
        assert.ok(isEngineError(error) && toHttpError(error).status === 400, String(error));
      }
    }),
    { numRuns: 500 },
  );
});

test('property: PORT and PORT-PORT in range round-trip; out of range is refused', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 70000 }), fc.constantFrom('tcp', 'udp', 'sctp'), (port, proto) => {
      const labels = { 'conet.egress': `10.0.0.0/8:${port}/${proto}` };
      if (port >= 1 && port <= 65535) assert.deepEqual(decodePolicyLabels(labels, ID)?.egress[0]?.ports, [{ protocol: proto, port }]);
      else refuses(labels, 'label conet.egress entry');
    }),
    { numRuns: 200 },
  );
});
