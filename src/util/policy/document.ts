/**
 * A Kubernetes `networking.k8s.io/v1` NetworkPolicy (YAML or JSON) decoded into conet's
 * PolicySpec (model/policy.ts). Semantics as Kubernetes': `policyTypes` defaults to Ingress, plus
 * Egress when the spec has egress rules; an empty podSelector selects every container. conet's
 * extensions: `spec.networks` and a peer's `networks` (select by network), Cilium's `toFQDNs`.
 */
import yaml from 'js-yaml';
import type { PolicyDirection, PolicySpec } from '../../model/policy.js';
import { list, obj, onlyFields } from './fields.js';
import { rule } from './rules.js';
import { containerSelector } from './selector.js';
import { bad } from './values.js';

const NAME = /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/;
const DIRECTIONS: Record<string, PolicyDirection> = { Ingress: 'ingress', Egress: 'egress' };

export function policyName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw bad(field, `invalid name ${JSON.stringify(value)} (lower-case letters, digits, '-' and '.', at most 253)`);
  }
  return value;
}

function header(raw: Record<string, unknown>): string {
  onlyFields(raw, '', ['apiVersion', 'kind', 'metadata', 'spec']);
  if (raw['apiVersion'] !== 'networking.k8s.io/v1') throw bad('apiVersion', 'must be "networking.k8s.io/v1"');
  if (raw['kind'] !== 'NetworkPolicy') throw bad('kind', 'must be "NetworkPolicy"');
  const metadata = obj(raw['metadata'], 'metadata');
  onlyFields(metadata, 'metadata', ['name', 'namespace', 'labels', 'annotations', 'uid', 'resourceVersion', 'creationTimestamp', 'generation']);
  if (metadata['name'] === undefined) throw bad('metadata.name', 'is required');
  return policyName(metadata['name'], 'metadata.name');
}

function policyTypes(value: unknown, hasEgress: boolean): PolicyDirection[] {
  if (value === undefined || value === null) return hasEgress ? ['ingress', 'egress'] : ['ingress'];
  const types = list(value, 'spec.policyTypes').map((item, i) => {
    const found = typeof item === 'string' ? DIRECTIONS[item] : undefined;
    if (found === undefined) throw bad(`spec.policyTypes[${i}]`, 'must be "Ingress" or "Egress"');
    return found;
  });
  if (types.length === 0) throw bad('spec.policyTypes', 'must not be empty');
  return [...new Set(types)];
}

/** One NetworkPolicy object (already parsed from YAML/JSON) -> PolicySpec, or a 400 naming the field. */
export function decodeNetworkPolicy(value: unknown): PolicySpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('policy', 'must be an object');
  const raw = value as Record<string, unknown>;
  const name = header(raw);
  const spec = obj(raw['spec'], 'spec');
  onlyFields(spec, 'spec', ['podSelector', 'networks', 'policyTypes', 'ingress', 'egress']);
  if (spec['podSelector'] === undefined) throw bad('spec.podSelector', 'is required ({} selects every container)');
  const ingress = list(spec['ingress'], 'spec.ingress').map((item, i) => rule(item, `spec.ingress[${i}]`, 'ingress'));
  const egress = list(spec['egress'], 'spec.egress').map((item, i) => rule(item, `spec.egress[${i}]`, 'egress'));
  const types = policyTypes(spec['policyTypes'], spec['egress'] !== undefined && spec['egress'] !== null);
  if (ingress.length > 0 && !types.includes('ingress')) throw bad('spec.ingress', 'given but policyTypes has no Ingress');
  if (egress.length > 0 && !types.includes('egress')) throw bad('spec.egress', 'given but policyTypes has no Egress');
  return {
    name,
    selector: containerSelector(spec['podSelector'], spec['networks'], 'spec.podSelector', 'spec.networks'),
    policyTypes: types,
    ingress,
    egress,
    dnsNxdomain: false,
  };
}

export const MAX_DOCUMENT_BYTES = 1 << 20;

/**
 * The text of a policy file: one or more YAML documents (`---`), JSON being YAML. Parsed with
 * js-yaml's JSON schema (no custom tags, no functions); empty documents are skipped.
 */
export function parsePolicyDocuments(text: string): PolicySpec[] {
  if (text.length > MAX_DOCUMENT_BYTES) throw bad('document', `larger than ${MAX_DOCUMENT_BYTES} bytes`);
  let documents: unknown[];
  try {
    documents = yaml.loadAll(text, undefined, { schema: yaml.JSON_SCHEMA });
  } catch (error) {
    throw bad('document', `not valid YAML or JSON: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  const found = documents.filter((doc) => doc !== null && doc !== undefined);
  if (found.length === 0) throw bad('document', 'holds no NetworkPolicy');
  return found.map((doc) => decodeNetworkPolicy(doc));
}
